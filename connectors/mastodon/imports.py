"""Importing a Mastodon archive (the zip of "Request your archive") for a member."""

from __future__ import annotations

from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.imports import ImportReport, Progress
from connectors.mastodon.archive import mastodon_archive_chunks
from connectors.records import Origin


def mastodon_archive_import(
    *, path: Path, member: Member, progress: Progress | None = None, origin: Origin = Origin.UPLOAD
) -> ImportReport:
    """All or nothing, with the trust rules of every archive (``archive_import``)."""
    return account_archive_import(
        network="mastodon", label="Mastodon", chunks=mastodon_archive_chunks, path=path, member=member,
        progress=progress, origin=origin,
    )  # fmt: skip


def mastodon_archive_upload_import(
    *, path: Path, member: Member, progress: Progress, options: dict
) -> ImportReport:
    """A member's uploaded archive (the registry's importer for ``mastodon_archive``)."""
    return mastodon_archive_import(path=path, member=member, progress=progress)
