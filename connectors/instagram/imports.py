"""Importing an Instagram "Download your information" export (JSON) for a member."""

from __future__ import annotations

from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.imports import ImportReport, Progress
from connectors.instagram.archive import instagram_export_chunks
from connectors.records import Origin


def instagram_export_import(
    *, path: Path, member: Member, progress: Progress | None = None, origin: Origin = Origin.UPLOAD
) -> ImportReport:
    """All or nothing, with the trust rules of every archive (``archive_import``)."""
    return account_archive_import(
        network="instagram", label="Instagram", chunks=instagram_export_chunks, path=path, member=member,
        progress=progress, origin=origin,
    )  # fmt: skip


def instagram_export_upload_import(
    *, path: Path, member: Member, progress: Progress, options: dict
) -> ImportReport:
    return instagram_export_import(path=path, member=member, progress=progress)
