"""Importing an X archive (the zip of X's "Download an archive of your data")."""

from __future__ import annotations

from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.imports import ImportReport, Progress
from connectors.records import Origin
from connectors.twitter.archive import x_archive_chunks


def archive_import(
    *, path: Path, member: Member, progress: Progress | None = None, origin: Origin = Origin.UPLOAD
) -> ImportReport:
    """Import an X archive for a member, all or nothing (``archive_import.account_archive_import``)."""
    return account_archive_import(
        network="x", label="X", chunks=x_archive_chunks, path=path, member=member, progress=progress,
        origin=origin,
    )  # fmt: skip


def archive_upload_import(*, path: Path, member: Member, progress: Progress, options: dict) -> ImportReport:
    """A member's uploaded archive (the registry's importer for ``x_archive``)."""
    return archive_import(path=path, member=member, progress=progress)
