"""Importing one account's data archive (X's, Mastodon's), all or nothing, and what it may link.

A network's parser (``chunks``) turns the file into batches and says whose archive it is; this
stages them, stores them in one transaction and links the archive's account to the member:
only an account nobody else has, and for a member's upload (which proves nothing: a zip can be
edited) only one of which nothing is stored but the member's own uploads. What the upload says
is self-reported (``Provenance.upload``). Signing in on the network later proves ownership.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import OPTED_OUT_MESSAGE, member_may_be_tracked
from connectors.archives import ArchiveChunk, ArchiveError, ArchiveStats
from connectors.changes import changes_record
from connectors.claims import identity_claimable, member_upload_keys
from connectors.imports import HISTORY_BACKFILL_DAYS, ImportRefused, ImportReport, Progress, Stage, ingest_all
from connectors.models import Identity
from connectors.records import Origin, Provenance

# The networks whose exports name an account by its handle while their API names it by a number.
NAMED_BY_HANDLE_NETWORKS = frozenset({"instagram", "facebook"})

# (path, observed_at, stats) -> the archive's batches; raises ArchiveError.
ArchiveParser = Callable[..., Iterator[ArchiveChunk]]

CLAIM_REFUSED_MESSAGE = (
    "Klout already holds what {label} or other members say about @{handle}, so an uploaded archive "
    "cannot link it to you: a zip proves nothing about who owns an account. Connect {label} (sign "
    "in with it) to link the account; nothing was imported."
)


def _member_identity_check(
    *, member: Member, network: str, label: str, account_id: str, upload: bool
) -> None:
    """Refuse an archive whose account the member may not claim.

    Never one linked to another member. And an upload, which proves nothing (a zip can be
    edited), links only an account of which nothing is stored but the member's own uploads
    (``connectors.claims.identity_claimable``): otherwise it could take over a real person
    scored from public activity or from other members' uploads, hide them behind a private
    profile, or speak for them.
    """
    # An account Klout stores under its number and names by this handle (an Instagram export
    # names only the username): an upload may not take that name from the account's owner.
    if network in NAMED_BY_HANDLE_NETWORKS:
        numbered = Identity.objects.filter(network=network, handle__iexact=account_id).exclude(
            external_id=account_id
        )
        if numbered.exclude(member=member).exists():
            raise ImportRefused(
                f"Klout already reads @{account_id} from {label} itself, so an uploaded export cannot "
                f"link it to you. Connect {label} (sign in with it) to link the account; nothing was "
                "imported."
            )
    identity = Identity.objects.filter(network=network, external_id=account_id).first()
    if identity is None:
        return
    if identity.member_id not in (None, member.pk):
        raise ImportRefused(
            f"This archive's {label} account is already linked to another member; it was not imported."
        )
    if upload and (identity.member_id is None or identity.member_claimed):
        if not identity_claimable(identity=identity, member=member):
            raise ImportRefused(
                CLAIM_REFUSED_MESSAGE.format(label=label, handle=identity.handle or account_id)
            )


def account_archive_import(
    *,
    network: str,
    label: str,
    chunks: ArchiveParser,
    path: Path,
    member: Member,
    progress: Progress | None = None,
    origin: Origin = Origin.UPLOAD,
) -> ImportReport:
    """Import a network's data archive (``chunks`` parses it) for a member, all or nothing.

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
    stage = Stage()
    try:
        try:
            for chunk in chunks(path=path, observed_at=timezone.now(), stats=report.archive):
                report.read += len(chunk.batch)
                stage.add(chunk.batch)
                if progress:
                    progress(0.9 * chunk.progress)
        except ArchiveError as exc:
            raise ImportRefused(str(exc)) from None
        _member_identity_check(
            member=member,
            network=network,
            label=label,
            account_id=report.archive.account_id,
            upload=origin == Origin.UPLOAD,
        )
        account_key = (network, report.archive.account_id)
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
            ingest_all(lambda: iter(stage), report, provenance=provenance)
            # Again under this transaction: a sync may have stored the account meanwhile.
            _member_identity_check(
                member=member,
                network=network,
                label=label,
                account_id=report.archive.account_id,
                upload=origin == Origin.UPLOAD,
            )
            # An archive proves nothing about who owns the account, so it only links an account
            # nobody has linked yet, and the member's upload links it as their claim; signing in
            # on the network later proves ownership and takes it over
            # (connectors.services.account_connect).
            account = Identity.objects.filter(network=network, external_id=report.archive.account_id)
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
                Identity.objects.filter(network=network, external_id=report.archive.account_id).filter(
                    Q(origin__isnull=True) | Q(origin__gte=origin)
                ).update(origin=origin, **counts)
            if not linked:
                if not account.exists():
                    # Ingest dropped it: the account's owner opted out of tracking.
                    raise ImportRefused(
                        f"This archive's {label} account has opted out of tracking on Klout; "
                        "nothing was imported."
                    )
                raise ImportRefused(
                    f"This archive's {label} account is already linked to another member; "
                    "it was not imported."
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
