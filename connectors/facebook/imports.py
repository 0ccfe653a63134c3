"""Importing a Facebook "Download your information" export (JSON) for a member."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.facebook.archive import facebook_export_chunks
from connectors.imports import ImportReport, Progress
from connectors.records import Origin


def facebook_export_import(
    *,
    path: Path,
    member: Member,
    progress: Progress | None = None,
    origin: Origin = Origin.UPLOAD,
    profile: str | None = None,
) -> ImportReport:
    """All or nothing, with the trust rules of every archive (``archive_import``); ``profile`` is
    the profile's address when the export does not name it."""
    return account_archive_import(
        network="facebook", label="Facebook", chunks=partial(facebook_export_chunks, profile=profile),
        path=path, member=member, progress=progress, origin=origin,
    )  # fmt: skip


def facebook_export_upload_import(
    *, path: Path, member: Member, progress: Progress, options: dict
) -> ImportReport:
    return facebook_export_import(path=path, member=member, progress=progress, profile=options.get("profile"))
