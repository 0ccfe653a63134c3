"""Importing a LinkedIn data export for a member."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.imports import ImportReport, Progress
from connectors.linkedin.export import linkedin_export_chunks
from connectors.records import Origin


def linkedin_export_import(
    *,
    path: Path,
    member: Member,
    progress: Progress | None = None,
    origin: Origin = Origin.UPLOAD,
    profile: str | None = None,
) -> ImportReport:
    """All or nothing, with the trust rules of every archive (``archive_import``); ``profile`` is
    the address of the member's LinkedIn profile, which the export does not hold."""
    return account_archive_import(
        network="linkedin", label="LinkedIn", chunks=partial(linkedin_export_chunks, profile=profile),
        path=path, member=member, progress=progress, origin=origin,
    )  # fmt: skip


def linkedin_export_upload_import(
    *, path: Path, member: Member, progress: Progress, options: dict
) -> ImportReport:
    """A member's uploaded export (the registry's importer for ``linkedin_export``)."""
    return linkedin_export_import(path=path, member=member, progress=progress, profile=options.get("profile"))
