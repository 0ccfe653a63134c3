"""Upload runs: a member's place in the import queue, the stored file, the import, the sweeper.

An upload takes a place (``import_upload_reserve``) before its body is read, is stored and
queued (``import_upload_attach``), and is imported by the worker (``import_run_execute``) with
the importer its format declares in the registry. What a stopped worker left behind is
re-queued or failed by ``sync_runs_recover``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors import registry
from connectors.imports import ImportRefused, Progress
from connectors.models import SyncRun
from klout.queue import QUEUE_DOWN_MESSAGE, enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)


_WAITING = (SyncRun.Status.RECEIVING, SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)


def imports_waiting_count(*, member: Member) -> int:
    """The member's uploads being received, queued or being imported."""
    uploads = SyncRun.objects.filter(member=member, source__in=registry.upload_run_sources())
    return uploads.filter(status__in=_WAITING).count()


def _quota_problem(waiting: int) -> str | None:
    if waiting >= settings.IMPORT_MAX_WAITING_PER_MEMBER:
        imports = "import" if waiting == 1 else "imports"
        return (
            f"You already have {waiting} {imports} waiting or running. "
            "Once one is done, upload the next file."
        )
    return None


def import_upload_reserve(*, member: Member, source: str) -> SyncRun:
    """Take one of the member's upload places before the file is read; ImportRefused when none is free.

    Counted and taken under the member's lock, so that uploads sent at once cannot all pass the
    quota while the first is still arriving: a member cannot fill the disk and the queue faster
    than the worker imports. The run waits as "receiving" until ``import_upload_attach`` or
    ``import_upload_release``; one whose upload never finished is removed by the sweeper.
    """
    if registry.file_format(source) is None:
        raise ValueError(f"not an upload source: {source}")
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        problem = _quota_problem(imports_waiting_count(member=member))
        if problem:
            raise ImportRefused(problem)
        return SyncRun.objects.create(member=member, source=source, status=SyncRun.Status.RECEIVING)


def import_upload_release(*, run: SyncRun) -> None:
    """Give the place back: the file did not arrive, or was refused by the form."""
    SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RECEIVING).delete()


def import_upload_attach(
    *, run: SyncRun, upload: UploadedFile, network: str = "", options: dict | None = None
) -> SyncRun:
    """Store the uploaded file of a reserved run and queue its import.

    ``network`` is, for an activity file, the network of the lines that name none; ``options``
    the form's other answers (plain strings) the format's importer reads. When the job
    queue cannot be reached the run is marked failed with a message saying so, and the stored
    file is deleted.
    """
    from connectors.tasks import import_run_task

    extension = registry.file_format(run.source).extension
    stored = default_storage.save(f"imports/{run.member_id}/upload{extension}", upload)
    with transaction.atomic():
        run.upload_path = stored
        run.upload_name = (upload.name or "")[:255]
        run.default_network = network
        run.upload_options = dict(options or {})
        run.status = SyncRun.Status.QUEUED
        claimed = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RECEIVING).update(
            upload_path=stored,
            upload_name=run.upload_name,
            default_network=network,
            upload_options=run.upload_options,
            status=run.status,
        )
        given_up = not claimed or not member_may_be_tracked(member=run.member)
        if given_up:
            SyncRun.objects.filter(pk=run.pk).delete()
        else:
            # Queue after commit: a worker that picked it up earlier would not find the row.
            enqueue_on_commit(
                import_run_task,
                run.pk,
                on_failure=lambda: _run_finish(run, status=SyncRun.Status.FAILED, error=QUEUE_DOWN_MESSAGE),
            )
    if given_up:
        # The place was given up while the file arrived (the member opted out or deleted the
        # account, or it took more than a day): the file is not kept.
        default_storage.delete(stored)
        raise ImportRefused(
            "This upload can no longer be imported: the account changed while the file arrived."
        )
    return run


def import_upload_create(*, member: Member, source: str, upload: UploadedFile, network: str = "") -> SyncRun:
    """Reserve, store and queue in one call, for an upload already read (``import_upload_attach``)."""
    return import_upload_attach(
        run=import_upload_reserve(member=member, source=source), upload=upload, network=network
    )


def _progress_setter(run_id: int) -> Progress:
    last = {"value": -1}

    def set_progress(fraction: float) -> None:
        value = max(0, min(99, int(fraction * 100)))
        if value != last["value"]:
            last["value"] = value
            SyncRun.objects.filter(pk=run_id).update(progress=value)

    return set_progress


def import_run_execute(*, run_id: int) -> SyncRun | None:
    """Run a queued upload import. Safe to call twice: only one call claims the run."""
    claimed = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now(), progress=0, attempts=F("attempts") + 1
    )
    if not claimed:
        logger.info("import run %s is not queued any more; nothing to do", run_id)
        return None
    run = SyncRun.objects.select_related("member").get(pk=run_id)
    if not member_may_be_tracked(member=run.member):
        return _run_finish(run, status=SyncRun.Status.FAILED, error=OPTED_OUT_MESSAGE)
    path = Path(default_storage.path(run.upload_path))
    progress = _progress_setter(run.pk)
    try:
        importer = registry.dotted(registry.file_format(run.source).importer)
        report = importer(
            path=path,
            member=run.member,
            progress=progress,
            options={**run.upload_options, "network": run.default_network},
        )
    except ImportRefused as exc:
        return _run_finish(run, status=SyncRun.Status.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("import run %s failed", run_id)
        _run_finish(
            run, status=SyncRun.Status.FAILED, error=f"The import failed unexpectedly ({type(exc).__name__})."
        )
        raise
    return _run_finish(run, status=SyncRun.Status.SUCCEEDED, stats=report.stats())


def _run_finish(run: SyncRun, *, status: str, error: str = "", stats: dict | None = None) -> SyncRun:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.progress = 100
    if stats is not None:
        run.stats = stats
    run.save(update_fields=["status", "error", "finished_at", "progress", "stats"])
    # The upload is not kept once imported or refused: it is the member's personal data.
    if run.upload_path:
        default_storage.delete(run.upload_path)
    return run


# --- work that a stopped worker left behind ------------------------------------------------------

# How long an upload's place stays taken while its file arrives.
RECEIVING_FOR = timedelta(hours=24)
# Claims of one upload before the sweeper gives up on it: an import the worker was killed in
# twice (out of memory, or past its time limit) would be killed again.
IMPORT_MAX_ATTEMPTS = 2
INTERRUPTED_MESSAGE = (
    "The import stopped before it finished ({reason}). Nothing of it was stored. "
    "Try again later, or with a smaller file."
)


def sync_runs_recover(*, before: datetime) -> dict[str, int]:
    """Re-queue or fail the runs a stopped worker or a lost message left behind.

    ``before``: work queued or started earlier than this is stuck (no task outlives its hard
    time limit).

    1. An upload still queued long after it was made (its message was lost) is sent again;
       the claim in ``import_run_execute`` makes a duplicate harmless.
    2. An upload still running past the task time limit was interrupted (worker killed): it
       is put back in the queue, since imports are all or nothing, unless it was already
       tried ``IMPORT_MAX_ATTEMPTS`` times; then it fails, and its file is deleted.
    3. An API sync still running past the time limit is marked failed: the account's lease
       expires by itself and the next periodic sync resumes from the stored cursor.
    """
    from connectors.tasks import import_run_task

    counts = {"requeued": 0, "failed": 0}
    uploads = SyncRun.objects.filter(source__in=registry.upload_run_sources())
    # A place taken for an upload whose file never arrived (the browser went away). A large
    # file on a slow line takes long to arrive, hence a day rather than the task time limit.
    uploads.filter(status=SyncRun.Status.RECEIVING, created_at__lt=timezone.now() - RECEIVING_FOR).delete()
    for run in uploads.filter(status=SyncRun.Status.QUEUED, created_at__lt=before):
        counts["requeued"] += enqueue(import_run_task, run.pk)
    for run in uploads.filter(status=SyncRun.Status.RUNNING, started_at__lt=before):
        if run.attempts < IMPORT_MAX_ATTEMPTS and run.upload_path:
            put_back = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
                status=SyncRun.Status.QUEUED, progress=0
            )
            if put_back and enqueue(import_run_task, run.pk):
                counts["requeued"] += 1
            continue
        reason = f"it was interrupted {run.attempts} times"
        _run_finish(run, status=SyncRun.Status.FAILED, error=INTERRUPTED_MESSAGE.format(reason=reason))
        counts["failed"] += 1
    counts["failed"] += (
        SyncRun.objects.exclude(source__in=registry.upload_run_sources())
        .filter(status=SyncRun.Status.RUNNING, started_at__lt=before)
        .update(
            status=SyncRun.Status.FAILED,
            finished_at=timezone.now(),
            error="The sync was interrupted (the worker stopped); the next one resumes where it stopped.",
        )
    )
    return counts
