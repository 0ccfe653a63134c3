"""Upload pages for archives and activity files, and the status of an import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.decorators import member_required
from accounts.selectors import OPTED_OUT_MESSAGE, member_for_request, member_may_be_tracked
from connectors import registry, runs, selectors
from connectors.imports import ImportRefused
from connectors.models import SyncRun
from connectors.run_figures import sync_run_figures

# Room for the multipart envelope and the form's other fields around the file itself.
_ENVELOPE_BYTES = 1024 * 1024


def _upload(request, *, form_class, source: str, template: str):
    """An upload page. A file too large by its declared length, or one more than the member may
    have waiting, is refused before the body is read: the views are exempt from the CSRF
    middleware (which would read the whole body first) and check CSRF themselves afterwards."""
    member = member_for_request(request)
    if not member_may_be_tracked(member=member):
        messages.error(request, OPTED_OUT_MESSAGE)
        return redirect("privacy:settings")
    recent = SyncRun.objects.filter(member=member, source=source).exclude(status=SyncRun.Status.RECEIVING)[:5]
    if request.method != "POST":
        return render(request, template, _page(form_class(), recent))
    refusal = _too_large(request)
    if refusal is None:
        try:
            run = runs.import_upload_reserve(member=member, source=source)
        except ImportRefused as refused:
            refusal = (str(refused), 429)
    if refusal is not None:
        message, status = refusal
        return render(request, template, {**_page(form_class(), recent), "refusal": message}, status=status)
    try:
        response = _upload_store(request, run=run, form_class=form_class, template=template, recent=recent)
    finally:
        # Whatever stopped the upload (a refused form, a failed CSRF check, a dropped connection),
        # its place is given back unless the file was stored.
        runs.import_upload_release(run=run)
    return response


def _page(form, recent) -> dict:
    """What every upload page shows: its form, the largest file accepted, the recent imports."""
    return {"form": form, "recent": recent, "max_upload_bytes": settings.IMPORT_MAX_UPLOAD_BYTES}


def _too_large(request) -> tuple[str, int] | None:
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
    return None


@csrf_protect
def _upload_store(request, *, run, form_class, template: str, recent):
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            answers = {k: v for k, v in form.cleaned_data.items() if k not in ("file", "network")}
            runs.import_upload_attach(
                run=run,
                upload=form.cleaned_data["file"],
                network=form.cleaned_data.get("network", ""),
                options={k: str(v) for k, v in answers.items() if v not in (None, "")},
            )
        except ImportRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("connectors:run_detail", run_id=run.pk)
    return render(request, template, _page(form, recent))


@csrf_exempt  # checked by _upload_store, once the size and the quota are
@member_required(message="Only influencer accounts import activity to be scored.")
def upload(request, run_source: str):
    """The upload page of one file format of the registry (``connectors.urls``)."""
    file_format = registry.file_format(run_source)
    return _upload(
        request,
        form_class=registry.dotted(file_format.form),
        source=file_format.run_source,
        template=file_format.template,
    )


@login_required
def run_detail(request, run_id: int):
    """An import's progress, then its result: the figures, and where to go from there."""
    run = selectors.sync_run_get_for_member(member=member_for_request(request), run_id=run_id)
    file_format = registry.file_format(run.source)
    figures = sync_run_figures(run=run)
    rejected_lines = (run.stats or {}).get("rejected_lines") or []
    return render(
        request,
        "connectors/run_detail.html",
        {
            "run": run,
            "status": selectors.sync_run_status(run=run),
            "figures": figures,
            "file_format": file_format,
            "upload_url": reverse(f"connectors:{file_format.url_name}") if file_format else None,
            "rejected_lines": rejected_lines,
            # The stored report lists the first lines only (ImportReport.stats).
            "rejected_lines_more": max(figures.unreadable_lines - len(rejected_lines), 0) if figures else 0,
        },
    )


@login_required
def run_status(request, run_id: int):
    run = selectors.sync_run_get_for_member(member=member_for_request(request), run_id=run_id)
    return JsonResponse(selectors.sync_run_status(run=run))
