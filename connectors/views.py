"""Upload pages for archives and activity files, and the status of an import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from accounts.privacy.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors import selectors, services
from connectors.forms import ActivityUploadForm, ArchiveUploadForm
from connectors.models import SyncRun


def _upload(request, *, form_class, source: str, template: str):
    member = getattr(request.user, "member", None)
    if member is None:
        messages.info(request, "Only influencer accounts import activity to be scored.")
        return redirect("home")
    if not member_may_be_tracked(member=member):
        messages.error(request, OPTED_OUT_MESSAGE)
        return redirect("accounts:privacy")
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.import_upload_create(
            member=member,
            source=source,
            upload=form.cleaned_data["file"],
            network=form.cleaned_data.get("network", ""),
        )
        return redirect("connectors:run_detail", run_id=run.pk)
    recent = SyncRun.objects.filter(member=member, source=source)[:5]
    return render(request, template, {"form": form, "recent": recent})


@login_required
def archive_upload(request):
    return _upload(
        request,
        form_class=ArchiveUploadForm,
        source=SyncRun.Source.X_ARCHIVE,
        template="connectors/archive_upload.html",
    )


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
