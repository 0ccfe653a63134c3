"""Writes of the connectors app: imports, sync-run bookkeeping, tombstones."""

from __future__ import annotations

import logging
import pickle  # noqa: S403  (only our own staging files, written and read by this process)
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors.archives.jsonl import JsonlFormatError, LineRejection, jsonl_chunks
from connectors.archives.x_archive import ArchiveError, ArchiveStats, x_archive_chunks
from connectors.changes import changes_nudge, changes_record
from connectors.claims import identity_claimable, member_upload_keys
from connectors.crypto import token_undecryptable
from connectors.ingest import IngestResult, ingest_batches
from connectors.models import (
    ConnectedAccount,
    Identity,
    SyncRun,
)
from connectors.records import NETWORK_NAMES, OPERATOR_IMPORT, Batch, Origin, Provenance
from klout.queue import QUEUE_DOWN_MESSAGE, enqueue, enqueue_on_commit

logger = logging.getLogger(__name__)

# Rejected lines kept in a report; beyond this only their number is.
MAX_REPORTED_REJECTIONS = 1000


class ImportRefused(Exception):
    """The whole file was refused; nothing of it was stored. The message is for the person."""


@dataclass
class ImportReport:
    read: int = 0
    rejected_lines: list[LineRejection] = field(default_factory=list)
    rejected: int = 0
    ingest: IngestResult = field(default_factory=IngestResult)
    archive: ArchiveStats | None = None

    def reject(self, rejections: list[LineRejection]) -> None:
        self.rejected += len(rejections)
        room = MAX_REPORTED_REJECTIONS - len(self.rejected_lines)
        if room > 0:
            self.rejected_lines.extend(rejections[:room])

    def stats(self) -> dict:
        """The summary stored on a SyncRun (JSON)."""
        result = self.ingest
        stats = {
            "read": self.read,
            "imported": result.imported,
            "duplicates": result.duplicates,
            "rejected": self.rejected + result.rejected,
            "dropped_opted_out": result.dropped,
            "not_own": result.not_own,
            "identities": asdict(result.identities),
            "posts": asdict(result.posts),
            "interactions": asdict(result.interactions),
            "bare_identities_created": result.bare_identities_created,
            "rejected_lines": [asdict(r) for r in self.rejected_lines[:100]],
        }
        if self.archive:
            stats["archive"] = {
                "account_id": self.archive.account_id,
                "handle": self.archive.handle,
                "tweets": self.archive.tweets,
                "followers": self.archive.followers,
                "following": self.archive.following,
                "likes_skipped": self.archive.likes_skipped,
            }
        return stats


Progress = Callable[[float], None]

# Days of score history reconstructed from an imported archive.
HISTORY_BACKFILL_DAYS = 90


# PostgreSQL's codes for a transaction it aborted so that others could go on: deadlock
# detected, serialization failure. Run again, such a transaction usually succeeds.
_RETRYABLE = frozenset({"40P01", "40001"})
IMPORT_ATTEMPTS = 3


def _ingest_all(
    batches: Callable[[], Iterator[Batch]],
    report: ImportReport,
    *,
    provenance: Provenance = OPERATOR_IMPORT,
    backfill_days: int = 0,
    retry: bool = True,
) -> None:
    """Store every batch in one transaction: a failure in the last leaves none of them.

    Each call of ``batches`` starts the batches over; they are read in a second thread (see
    ``ingest_batches``), so they must not touch the database. Once stored, what changed is in
    the score's outbox, with ``backfill_days`` of history to rebuild, and a drain is asked for
    after the commit.

    Two imports that name the same new identities in opposite orders deadlock: each holds
    the identities it inserted until it commits. PostgreSQL aborts one of them, which is then
    run again from the start (with ``retry``), up to ``IMPORT_ATTEMPTS`` times in all.
    """
    for attempt in range(1, IMPORT_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                result = ingest_batches(batches=batches(), provenance=provenance, backfill_days=backfill_days)
                changes_nudge()
        except OperationalError as exc:
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            if not retry or attempt == IMPORT_ATTEMPTS or sqlstate not in _RETRYABLE:
                raise
            logger.warning(
                "import aborted by PostgreSQL (%s), attempt %s; running it again", sqlstate, attempt
            )
            # Apart, so that the two do not meet again at once.
            time.sleep(random.uniform(0.1, 0.5) * attempt)  # noqa: S311  (timing, not security)
        else:
            report.ingest.add(result)
            return


def activity_import_jsonl(
    *, stream: BinaryIO, network: str | None = None, provenance: Provenance = OPERATOR_IMPORT
) -> ImportReport:
    """Import a JSON Lines file (docs/import-format.md) as one transaction.

    Bad lines are reported and skipped; a file that is not JSON Lines raises ImportRefused.
    The command line imports as the operator; a member's upload goes through
    ``jsonl_import_staged``.
    """
    report = ImportReport()
    start = stream.tell() if stream.seekable() else None

    def batches() -> Iterator[Batch]:
        if start is not None:
            stream.seek(start)
        report.read = report.rejected = 0
        report.rejected_lines.clear()
        for chunk in jsonl_chunks(stream=stream, default_network=network):
            report.read += chunk.records
            report.reject(chunk.rejections)
            yield chunk.batch

    try:
        # A stream read once cannot start over, so it is not run again.
        _ingest_all(batches, report, provenance=provenance, retry=start is not None)
    except JsonlFormatError as exc:
        raise ImportRefused(str(exc)) from None
    return report


class _Stage:
    """Parsed batches spilled to a temporary file, so parsing finishes before storing starts.

    This is what makes an import all-or-nothing without holding a transaction open during
    the slow parse, and lets the parse report progress that the status page can see.
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self.count = 0

    def add(self, batch: Batch) -> None:
        pickle.dump(batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Batch]:
        self.file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.file)  # noqa: S301

    def close(self) -> None:
        self.file.close()


CLAIM_REFUSED_MESSAGE = (
    "Klout already holds what X or other members say about @{handle}, so an uploaded archive "
    "cannot link it to you: a zip proves nothing about who owns an account. Connect X (sign in "
    "with it) to link the account; nothing was imported."
)


def _member_identity_check(*, member: Member, account_id: str, upload: bool) -> None:
    """Refuse an archive whose account the member may not claim.

    Never one linked to another member. And an upload, which proves nothing (a zip can be
    edited), links only an account of which nothing is stored but the member's own uploads
    (``connectors.claims.identity_claimable``): otherwise it could take over a real person
    scored from public activity or from other members' uploads, hide them behind a private
    profile, or speak for them.
    """
    identity = Identity.objects.filter(network="x", external_id=account_id).first()
    if identity is None:
        return
    if identity.member_id not in (None, member.pk):
        raise ImportRefused(
            "This archive's X account is already linked to another member; it was not imported."
        )
    if upload and (identity.member_id is None or identity.member_claimed):
        if not identity_claimable(identity=identity, member=member):
            raise ImportRefused(CLAIM_REFUSED_MESSAGE.format(handle=identity.handle or account_id))


def archive_import(
    *, path: Path, member: Member, progress: Progress | None = None, origin: Origin = Origin.UPLOAD
) -> ImportReport:
    """Import an X archive for a member, all or nothing.

    1. Parse the whole archive into a staging file (progress 0-90%); any ArchiveError
       stops here, before a row is written.
    2. Store the staged batches in one transaction and link the archive's account to
       the member (90-100%).

    The member's upload (``origin`` UPLOAD, from the web page) is self-reported: a zip can be
    edited, so it describes only the member's own identities (those linked to them, and the
    archive's account when nobody else has it) and what it says of their reactions counts at
    a discount. The operator's import from the command line passes ``Origin.OPERATOR``.
    """
    if not member_may_be_tracked(member=member):
        raise ImportRefused(OPTED_OUT_MESSAGE)
    report = ImportReport(archive=ArchiveStats())
    stage = _Stage()
    try:
        try:
            for chunk in x_archive_chunks(path=path, observed_at=timezone.now(), stats=report.archive):
                report.read += len(chunk.batch)
                stage.add(chunk.batch)
                if progress:
                    progress(0.9 * chunk.progress)
        except ArchiveError as exc:
            raise ImportRefused(str(exc)) from None
        _member_identity_check(
            member=member, account_id=report.archive.account_id, upload=origin == Origin.UPLOAD
        )
        account_key = ("x", report.archive.account_id)
        if origin == Origin.UPLOAD:
            own = member_upload_keys(member=member) | {account_key}
            provenance = Provenance.upload(member_id=member.pk, own=own)
        else:
            provenance = Provenance(origin=origin)
        with transaction.atomic():
            # Under the member's lock: an opt-out that committed meanwhile wins over this import.
            if (
                not Member.objects.select_for_update()
                .filter(pk=member.pk, opted_out_at__isnull=True)
                .exists()
            ):
                raise ImportRefused(OPTED_OUT_MESSAGE)
            _ingest_all(lambda: iter(stage), report, provenance=provenance)
            # Again under this transaction: a sync may have stored the account meanwhile.
            _member_identity_check(
                member=member, account_id=report.archive.account_id, upload=origin == Origin.UPLOAD
            )
            # An archive proves nothing about who owns the account, so it only links an account
            # nobody has linked yet, and the member's upload links it as their claim; signing in
            # with X later proves ownership and takes it over
            # (connectors.twitter.services.x_account_connect).
            account = Identity.objects.filter(network="x", external_id=report.archive.account_id)
            linked = (
                account.filter(member__isnull=True).update(
                    member=member, member_claimed=origin == Origin.UPLOAD
                )
                or account.filter(member=member).exists()
            )
            if origin != Origin.UPLOAD:
                # The operator vouches for the link: a claim it confirms is one no longer.
                account.filter(member=member).update(member_claimed=False)
            # The archive lists every follower and followed account: its counts are the
            # account's audience as of the export, which the score's audience signal reads,
            # unless a more trusted source (the API) gave them.
            counts = {}
            if report.archive.followers:
                counts["followers"] = report.archive.followers
            if report.archive.following:
                counts["following"] = report.archive.following
            if counts and linked:
                Identity.objects.filter(network="x", external_id=report.archive.account_id).filter(
                    Q(origin__isnull=True) | Q(origin__gte=origin)
                ).update(origin=origin, **counts)
            if not linked:
                if not Identity.objects.filter(network="x", external_id=report.archive.account_id).exists():
                    # Ingest dropped it: the account's owner opted out of tracking.
                    raise ImportRefused(
                        "This archive's X account has opted out of tracking on Klout; nothing was imported."
                    )
                raise ImportRefused(
                    "This archive's X account is already linked to another member; it was not imported."
                )
            # The member's score (and history) must cover the account it just linked, even when
            # the archive brought nothing new.
            changes_record(
                identity_ids=Identity.objects.filter(member=member).values_list("pk", flat=True),
                backfill_days=HISTORY_BACKFILL_DAYS,
            )
    finally:
        stage.close()
    return report


NOT_YOURS_MESSAGE = (
    "None of this file's lines are about your own accounts ({accounts}). An activity file can "
    "only describe your own accounts: their posts, the reactions they received and the ones they "
    "gave. Nothing was imported."
)
NO_ACCOUNT_MESSAGE = (
    "An activity file can only describe your own accounts, and none is linked to you yet. "
    "Connect an account or import your archive first; then upload this file again."
)


def jsonl_import_staged(
    *, path: Path, network: str | None, member: Member, progress: Progress | None = None
) -> ImportReport:
    """A member's upload of a JSON Lines file: parse (with progress), then store.

    Self-reported: it describes only the member's own identities (see ``archive_import``).
    A file of which nothing is about them is refused whole, saying so.
    """
    own = member_upload_keys(member=member)
    if not own:
        raise ImportRefused(NO_ACCOUNT_MESSAGE)
    report = ImportReport()
    stage = _Stage()
    size = max(path.stat().st_size, 1)
    done = 0
    try:
        with path.open("rb") as stream:
            try:
                for chunk in jsonl_chunks(stream=stream, default_network=network):
                    report.read += chunk.records
                    report.reject(chunk.rejections)
                    stage.add(chunk.batch)
                    done += chunk.bytes_read
                    if progress:
                        progress(0.9 * done / size)
            except JsonlFormatError as exc:
                raise ImportRefused(str(exc)) from None
        provenance = Provenance.upload(member_id=member.pk, own=own)
        with transaction.atomic():
            _ingest_all(lambda: iter(stage), report, provenance=provenance)
            result = report.ingest
            if result.not_own and not (result.imported or result.duplicates):
                raise ImportRefused(NOT_YOURS_MESSAGE.format(accounts=_accounts_named(own)))
    finally:
        stage.close()
    return report


def _accounts_named(keys: set[tuple[str, str]]) -> str:
    handles = dict(
        ((network, external_id), handle)
        for network, external_id, handle in Identity.objects.filter(
            network__in={n for n, _ in keys}, external_id__in={e for _, e in keys}
        ).values_list("network", "external_id", "handle")
    )
    names = [
        f"@{handles[key]} on {NETWORK_NAMES.get(key[0], key[0])}"
        if handles.get(key)
        else f"{key[0]} {key[1]}"
        for key in sorted(keys)
    ]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


# --- sync runs for uploads ---------------------------------------------------------------------


UPLOAD_SOURCES = (SyncRun.Source.X_ARCHIVE, SyncRun.Source.JSONL)
_WAITING = (SyncRun.Status.RECEIVING, SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)


def imports_waiting_count(*, member: Member) -> int:
    """The member's uploads being received, queued or being imported."""
    return SyncRun.objects.filter(member=member, source__in=UPLOAD_SOURCES, status__in=_WAITING).count()


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
    if source not in UPLOAD_SOURCES:
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


def import_upload_attach(*, run: SyncRun, upload: UploadedFile, network: str = "") -> SyncRun:
    """Store the uploaded file of a reserved run and queue its import.

    ``network`` is, for an activity file, the network of the lines that name none. When the job
    queue cannot be reached the run is marked failed with a message saying so, and the stored
    file is deleted.
    """
    from connectors.tasks import import_run_task

    extension = ".zip" if run.source == SyncRun.Source.X_ARCHIVE else ".jsonl"
    stored = default_storage.save(f"imports/{run.member_id}/upload{extension}", upload)
    with transaction.atomic():
        run.upload_path = stored
        run.upload_name = (upload.name or "")[:255]
        run.default_network = network
        run.status = SyncRun.Status.QUEUED
        claimed = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RECEIVING).update(
            upload_path=stored, upload_name=run.upload_name, default_network=network, status=run.status
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
        if run.source == SyncRun.Source.X_ARCHIVE:
            report = archive_import(path=path, member=run.member, progress=progress)
        else:
            report = jsonl_import_staged(
                path=path, network=run.default_network or None, member=run.member, progress=progress
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
    uploads = SyncRun.objects.filter(source__in=UPLOAD_SOURCES)
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
        SyncRun.objects.exclude(source__in=UPLOAD_SOURCES)
        .filter(status=SyncRun.Status.RUNNING, started_at__lt=before)
        .update(
            status=SyncRun.Status.FAILED,
            finished_at=timezone.now(),
            error="The sync was interrupted (the worker stopped); the next one resumes where it stopped.",
        )
    )
    return counts


# --- keys ------------------------------------------------------------------------------------------


def tokens_reencrypt() -> tuple[int, int]:
    """Write every stored token again, which encrypts it with the first configured key.

    Returns how many accounts were rewritten, and how many hold a token no key opens (left as
    they are). One account at a time, locked, so that a token refreshed by a sync meanwhile is
    not overwritten with the one read before.
    """
    done = unreadable = 0
    for pk in ConnectedAccount.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            account = ConnectedAccount.objects.select_for_update().filter(pk=pk).first()
            if account is None:
                continue
            if token_undecryptable(account.access_token) or token_undecryptable(account.refresh_token):
                unreadable += 1
                continue
            account.save(update_fields=["access_token", "refresh_token"])
            done += 1
    return done, unreadable


# --- the member's control over a connected account ------------------------------------------------

SYNC_NOW_INTERVAL = timedelta(minutes=5)


def account_disconnect(*, account: ConnectedAccount) -> None:
    """Stop reading an account: its tokens are erased at once; what was read from it is kept and
    keeps counting. (Deleting that too is the privacy app's: ``privacy.services``.)"""
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        account.access_token = ""
        account.refresh_token = ""
        account.token_expires_at = None
        account.status = ConnectedAccount.Status.DISCONNECTED
        account.cursor = {}
        account.last_error = ""
        fields = ["access_token", "refresh_token", "token_expires_at", "status", "cursor", "last_error"]
        account.save(update_fields=fields)


class SyncRefused(Exception):
    """A "sync now" that cannot be done; the message says why, for the member."""


def account_sync_now(*, account: ConnectedAccount) -> None:
    """Queue a sync of the account now, at most once every few minutes."""
    if account.status != ConnectedAccount.Status.ACTIVE:
        raise SyncRefused("This account is not connected any more; reconnect it first.")
    if account.last_synced_at and timezone.now() - account.last_synced_at < SYNC_NOW_INTERVAL:
        raise SyncRefused("This account was read less than five minutes ago; try again in a few minutes.")
    if account.network != "x":
        raise SyncRefused("This network is read from uploaded files only.")
    from connectors.twitter.tasks import x_account_sync_task

    # Nothing is written first, so nothing to wait for a commit of.
    if not enqueue(x_account_sync_task, account.pk):
        raise SyncRefused(QUEUE_DOWN_MESSAGE)
