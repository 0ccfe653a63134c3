"""Upload pages for archives and activity files, and the status of an import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.privacy.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors import selectors, services
from connectors.forms import ActivityUploadForm, ArchiveUploadForm
from connectors.models import SyncRun

# Room for the multipart envelope and the form's other fields around the file itself.
_ENVELOPE_BYTES = 1024 * 1024


def _upload(request, *, form_class, source: str, template: str):
    """An upload page. A file too large by its declared length, or one more than the member may
    have waiting, is refused before the body is read: the views are exempt from the CSRF
    middleware (which would read the whole body first) and check CSRF themselves afterwards."""
    member = getattr(request.user, "member", None)
    if member is None:
        messages.info(request, "Only influencer accounts import activity to be scored.")
        return redirect("home")
    if not member_may_be_tracked(member=member):
        messages.error(request, OPTED_OUT_MESSAGE)
        return redirect("accounts:privacy")
    recent = SyncRun.objects.filter(member=member, source=source)[:5]
    if request.method == "POST":
        refusal, status = _refusal_before_reading(request, member)
        if refusal:
            context = {"form": form_class(), "recent": recent, "refusal": refusal}
            return render(request, template, context, status=status)
        return _upload_store(request, member=member, form_class=form_class, source=source, template=template)
    return render(request, template, {"form": form_class(), "recent": recent})


def _refusal_before_reading(request, member) -> tuple[str | None, int]:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if declared > limit + _ENVELOPE_BYTES:
        return (
            f"This file is {filesizeformat(declared)}; the largest accepted is {filesizeformat(limit)}.",
            413,
        )
    problem = services.import_quota_problem(member=member)
    if problem:
        return problem, 429
    return None, 200


@csrf_protect
def _upload_store(request, *, member, form_class, source: str, template: str):
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run = services.import_upload_create(
                member=member,
                source=source,
                upload=form.cleaned_data["file"],
                network=form.cleaned_data.get("network", ""),
            )
        except services.ImportRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("connectors:run_detail", run_id=run.pk)
    recent = SyncRun.objects.filter(member=member, source=source)[:5]
    return render(request, template, {"form": form, "recent": recent})


@csrf_exempt  # checked by _upload_store, once the size and the quota are
@login_required
def archive_upload(request):
    return _upload(
        request,
        form_class=ArchiveUploadForm,
        source=SyncRun.Source.X_ARCHIVE,
        template="connectors/archive_upload.html",
    )


@csrf_exempt  # checked by _upload_store, once the size and the quota are
@login_required
def activity_upload(request):
    return _upload(
        request,
        form_class=ActivityUploadForm,
        source=SyncRun.Source.JSONL,
        template="connectors/activity_upload.html",
    )


@login_required
def run_detail(request, run_id: int):
    run = selectors.sync_run_get_for_user(user=request.user, run_id=run_id)
    return render(
        request, "connectors/run_detail.html", {"run": run, "status": selectors.sync_run_status(run=run)}
    )


@login_required
def run_status(request, run_id: int):
    run = selectors.sync_run_get_for_user(user=request.user, run_id=run_id)
    return JsonResponse(selectors.sync_run_status(run=run))
