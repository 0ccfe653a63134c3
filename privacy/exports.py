"""The "export my data" zip: everything held about a person, as JSON and CSV.

1. ``data_export_request`` creates the export row and queues the build after commit;
   asking again while one is being built returns that one.
2. ``data_export_build`` (in the worker) claims the row with a conditional update, so a
   task delivered twice builds once; writes the zip under a random name in
   MEDIA_ROOT/exports (never served by a public URL) through a ``.part`` file that is
   renamed only when complete; and marks it ready until it expires.
3. ``data_exports_expire`` (periodic) deletes the files of expired exports.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import Member, User
from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.selectors import identities_visible, member_identities
from klout.queue import QUEUE_DOWN_MESSAGE, enqueue, enqueue_on_commit
from privacy.audit import privacy_event_record, subject_digest
from privacy.models import DataExport, PrivacyEvent
from scoring.models import NETWORK_COLUMNS, RECEIVED_COLUMNS, SIGNAL_COLUMNS, IdentityScore, MemberScore

logger = logging.getLogger(__name__)

# Written in place of an account another member keeps private.
PRIVATE_MEMBER = "(a private Klout member)"

README = """Your data on Klout
==================

Every table is here twice: as JSON (exact values, nested fields kept) and as CSV
(opens in a spreadsheet; nested fields are JSON text). Times are UTC.

account          your sign-in account (email, name, dates)
member           your influencer profile
identities       your accounts on each network, as Klout last saw them
posts            the posts of those accounts
interactions     reposts, replies, quotes, likes, mentions and follows, given and received
                 ("direction" says which)
identity_scores  the daily score of each of your accounts, with its breakdown
                 (points_* per signal, received_* reactions by kind)
member_scores    your daily combined score, with its breakdown
                 (points_* per signal, network_* points per network)
connected_accounts  the accounts you connected (access tokens are never exported)
sync_runs        each sync and import of your data
"""


def exports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_export_request(*, user: User) -> DataExport:
    """Queue an export of the user's data, or return the one already on its way."""
    from privacy.tasks import data_export_build_task

    pending = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
    ).first()
    if pending:
        return pending
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
            enqueue_on_commit(
                data_export_build_task,
                export.pk,
                on_failure=lambda: _export_fail(export.pk, QUEUE_DOWN_MESSAGE),
            )
    except IntegrityError:
        # Two clicks at once: the unique constraint let one through; that one is the answer.
        return DataExport.objects.get(
            user=user, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
        )
    return export


# --- what goes in the zip --------------------------------------------------------------------


def _rows(queryset, fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    yield from queryset.values(*fields).iterator(chunk_size=2000)


def _tables(user: User, member: Member | None) -> list[tuple[str, tuple[str, ...], Iterable[dict[str, Any]]]]:
    account_fields = ("id", "email", "name", "date_joined", "last_login", "is_active")
    tables: list[tuple[str, tuple[str, ...], Iterable[dict[str, Any]]]] = [
        ("account", account_fields, _rows(User.objects.filter(pk=user.pk), account_fields))
    ]
    if member is None:
        return tables
    identity_ids = list(member_identities(member=member).values_list("id", flat=True))
    member_fields = ("id", "slug", "profile_public", "created_at", "opted_out_at")
    identity_fields = (
        "id", "network", "external_id", "handle", "name", "followers", "following", "posts_count", "listed",
        "verified", "location", "bio", "url", "first_seen", "updated_at",
    )  # fmt: skip
    post_fields = (
        "id", "network", "external_id", "author__handle", "created_at", "kind", "text", "language", "url",
        "parent_external_id", "reposts", "replies", "likes", "quotes", "views", "first_seen", "updated_at",
    )  # fmt: skip
    interaction_fields = (
        "id", "network", "kind", "actor__network", "actor__external_id", "actor__handle",
        "target__external_id", "target__handle", "post_external_id", "occurred_at",
    )  # fmt: skip
    identity_score_fields = (
        "identity__network", "identity__handle", "day", "model_version", "score", "unsmoothed", "raw",
        *SIGNAL_COLUMNS.values(), *RECEIVED_COLUMNS.values(), "distinct_actors", "authority_rank",
        "computed_at",
    )  # fmt: skip
    member_score_fields = (
        "day", "model_version", "score", "unsmoothed", "raw", *SIGNAL_COLUMNS.values(),
        *NETWORK_COLUMNS.values(), "computed_at",
    )  # fmt: skip
    account_fields = (
        "id", "network", "identity__handle", "status", "token_expires_at", "scopes", "last_synced_at",
        "last_error", "created_at",
    )  # fmt: skip
    run_fields = (
        "id", "source", "status", "progress", "created_at", "started_at", "finished_at", "stats", "error",
        "upload_name",
    )  # fmt: skip

    def interactions() -> Iterator[dict[str, Any]]:
        mine = set(identity_ids)
        queryset = Interaction.objects.filter(Q(actor_id__in=identity_ids) | Q(target_id__in=identity_ids))
        # The other side, when it is an account another member keeps private, is not named.
        visible = identities_visible()
        queryset = queryset.annotate(
            actor_shown=Exists(visible.filter(pk=OuterRef("actor_id"))),
            target_shown=Exists(visible.filter(pk=OuterRef("target_id"))),
        )
        for row in (
            queryset.order_by("occurred_at", "id")
            .values("actor_id", "target_id", "actor_shown", "target_shown", *interaction_fields)
            .iterator(chunk_size=2000)
        ):
            actor_id, target_id = row.pop("actor_id"), row.pop("target_id")
            actor_shown, target_shown = row.pop("actor_shown"), row.pop("target_shown")
            given = actor_id in mine
            row["direction"] = "given" if given else "received"
            if given and not target_shown and target_id not in mine:
                row["target__external_id"], row["target__handle"] = "", PRIVATE_MEMBER
            if not given and not actor_shown:
                row["actor__external_id"], row["actor__handle"] = "", PRIVATE_MEMBER
            yield row

    tables += [
        ("member", member_fields, _rows(Member.objects.filter(pk=member.pk), member_fields)),
        ("identities", identity_fields, _rows(Identity.objects.filter(id__in=identity_ids), identity_fields)),
        (
            "posts",
            post_fields,
            _rows(Post.objects.filter(author_id__in=identity_ids).order_by("created_at", "id"), post_fields),
        ),
        ("interactions", ("direction", *interaction_fields), interactions()),
        (
            "identity_scores",
            identity_score_fields,
            _rows(
                IdentityScore.objects.filter(identity_id__in=identity_ids).order_by("day", "identity_id"),
                identity_score_fields,
            ),
        ),
        (
            "member_scores",
            member_score_fields,
            _rows(MemberScore.objects.filter(member=member).order_by("day"), member_score_fields),
        ),
        (
            "connected_accounts",
            account_fields,
            _rows(ConnectedAccount.objects.filter(member=member).order_by("id"), account_fields),
        ),
        (
            "sync_runs",
            run_fields,
            _rows(SyncRun.objects.filter(member=member).order_by("created_at"), run_fields),
        ),
    ]
    return tables


def _csv_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)
    if value is None:
        return ""
    return value


def _write_table(archive: zipfile.ZipFile, name: str, fields: tuple[str, ...], rows: Iterable[dict]) -> int:
    """Stream one table into ``name.json`` and ``name.csv`` without holding it in memory.

    A zip takes one entry at a time, so the CSV goes to a spooled temporary file while
    the JSON is written, and is copied in afterwards.
    """
    count = 0
    columns = [f.replace("__", "_") for f in fields]
    with tempfile.SpooledTemporaryFile(
        max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        writer = csv.writer(spool)
        writer.writerow(columns)
        with archive.open(f"{name}.json", "w", force_zip64=True) as json_raw:
            json_out = io.TextIOWrapper(json_raw, encoding="utf-8", newline="")
            json_out.write("[")
            for row in rows:
                values = [row[f] for f in fields]
                json_out.write(",\n " if count else "\n ")
                json_out.write(json.dumps(dict(zip(columns, values, strict=True)), cls=DjangoJSONEncoder))
                writer.writerow([_csv_value(v) for v in values])
                count += 1
            json_out.write("\n]\n" if count else "]\n")
            json_out.flush()
            json_out.detach()
        spool.seek(0)
        with archive.open(f"{name}.csv", "w", force_zip64=True) as csv_raw:
            while chunk := spool.read(1024 * 1024):
                csv_raw.write(chunk.encode("utf-8"))
    return count


def _export_fail(export_id: int, message: str) -> None:
    """Mark the export failed (so the person may ask again) with a message for them."""
    DataExport.objects.filter(
        pk=export_id, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
    ).update(status=DataExport.Status.FAILED, finished_at=timezone.now(), error=message)


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build a queued export; a second call for the same export does nothing."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING, progress=0, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        logger.info("data export %s is not queued any more; nothing to do", export_id)
        return None
    export = DataExport.objects.select_related("user").get(pk=export_id)
    member = Member.objects.filter(user=export.user).first()
    file_name = f"{secrets.token_urlsafe(18)}.zip"
    final = exports_dir() / file_name
    partial = final.with_suffix(".zip.part")
    counts: dict[str, int] = {}
    try:
        tables = _tables(export.user, member)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", README)
            for index, (name, fields, rows) in enumerate(tables):
                counts[name] = _write_table(archive, name, fields, rows)
                progress = int(100 * (index + 1) / (len(tables) + 1))
                DataExport.objects.filter(pk=export.pk).update(progress=progress)
        partial.replace(final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        logger.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED,
            finished_at=timezone.now(),
            error=f"The export could not be built ({type(exc).__name__}). Please ask for a new one.",
        )
        raise
    now = timezone.now()
    with transaction.atomic():
        updated = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.RUNNING).update(
            status=DataExport.Status.READY,
            progress=100,
            file_name=file_name,
            size=final.stat().st_size,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.PRIVACY_EXPORT_LIFETIME_HOURS),
        )
        if not updated:
            # The account was deleted while the zip was being written: do not keep it.
            final.unlink(missing_ok=True)
            return None
        privacy_event_record(
            kind=PrivacyEvent.Kind.EXPORT_BUILT,
            digest=subject_digest(kind="user", key=str(export.user_id)),
            counts=counts,
        )
    export.refresh_from_db()
    return export


def data_export_file(*, export: DataExport) -> Path:
    return exports_dir() / export.file_name


def data_export_downloaded(*, export: DataExport) -> None:
    privacy_event_record(
        kind=PrivacyEvent.Kind.EXPORT_DOWNLOADED, digest=subject_digest(kind="user", key=str(export.user_id))
    )


def data_exports_expire() -> int:
    """Delete the files of exports past their expiry; returns how many expired."""
    expired = list(
        DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=timezone.now()).values_list(
            "pk", "file_name"
        )
    )
    for pk, file_name in expired:
        if file_name:
            (exports_dir() / file_name).unlink(missing_ok=True)
        DataExport.objects.filter(pk=pk).update(status=DataExport.Status.EXPIRED, file_name="")
    # A build that died with its worker leaves a .part file; one a day old is abandoned.
    cutoff = timezone.now().timestamp() - 24 * 3600
    for leftover in exports_dir().glob("*.zip.part"):
        if leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
    return len(expired)


# Builds of one export before the sweeper gives up on it.
EXPORT_MAX_ATTEMPTS = 2


def data_exports_recover(*, before: datetime) -> dict[str, int]:
    """Re-queue or fail exports that a lost message or a stopped worker left queued or building.

    ``before``: work queued or started earlier than this is stuck (no task outlives its hard
    time limit). A queued one is sent again (the claim makes a duplicate harmless); a build
    interrupted fewer than ``EXPORT_MAX_ATTEMPTS`` times is queued again, later ones fail,
    so that the person can ask for a new export instead of waiting forever.
    """
    from privacy.tasks import data_export_build_task

    counts = {"requeued": 0, "failed": 0}
    for export_id in DataExport.objects.filter(
        status=DataExport.Status.QUEUED, created_at__lt=before
    ).values_list("pk", flat=True):
        counts["requeued"] += enqueue(data_export_build_task, export_id)
    running = DataExport.objects.filter(status=DataExport.Status.RUNNING, started_at__lt=before)
    for export_id, attempts in running.values_list("pk", "attempts"):
        if attempts < EXPORT_MAX_ATTEMPTS:
            put_back = DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
                status=DataExport.Status.QUEUED, progress=0
            )
            if put_back and enqueue(data_export_build_task, export_id):
                counts["requeued"] += 1
            continue
        _export_fail(export_id, "The export stopped before it finished, twice. Please ask for a new one.")
        counts["failed"] += 1
    return counts


def exports_files_delete_on_commit(*, user: User) -> None:
    """Delete the user's export files once their account's deletion has committed."""
    names = [n for n in DataExport.objects.filter(user=user).values_list("file_name", flat=True) if n]
    if not names:
        return

    def delete() -> None:
        for name in names:
            (exports_dir() / name).unlink(missing_ok=True)

    transaction.on_commit(delete)
