"""Importing a Bluesky repository export (the .car of "Export my data") for a member."""

from __future__ import annotations

from pathlib import Path

from accounts.models import Member
from connectors.archive_import import account_archive_import
from connectors.bluesky.repo import bluesky_repo_chunks
from connectors.imports import ImportReport, Progress
from connectors.records import Origin


def bluesky_repo_import(
    *, path: Path, member: Member, progress: Progress | None = None, origin: Origin = Origin.UPLOAD
) -> ImportReport:
    """All or nothing, with the trust rules of every archive (``archive_import``)."""
    return account_archive_import(
        network="bluesky", label="Bluesky", chunks=bluesky_repo_chunks, path=path, member=member,
        progress=progress, origin=origin,
    )  # fmt: skip


def bluesky_repo_upload_import(
    *, path: Path, member: Member, progress: Progress, options: dict
) -> ImportReport:
    """A member's uploaded export (the registry's importer for ``bluesky_repo``)."""
    return bluesky_repo_import(path=path, member=member, progress=progress)
