"""Importing an activity file (JSON Lines, docs/import-format.md): the one path for the
command line (the operator's import) and the web (a member's upload, self-reported)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from accounts.models import Member
from connectors.claims import member_upload_keys
from connectors.imports import (
    NO_ACCOUNT_MESSAGE,
    NOT_YOURS_MESSAGE,
    ImportRefused,
    ImportReport,
    Progress,
    Stage,
    accounts_named,
    ingest_all,
)
from connectors.jsonl.parser import JsonlFormatError, jsonl_chunks
from connectors.records import OPERATOR_IMPORT, Origin, Provenance


def jsonl_import(
    *,
    stream: BinaryIO,
    network: str | None = None,
    provenance: Provenance = OPERATOR_IMPORT,
    size: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a JSON Lines stream as one transaction: parse it whole into a staging file (with
    progress when ``size`` is known), then store it.

    Bad lines are reported and skipped; a file that is not JSON Lines raises ImportRefused
    before a row is written. Being staged, a stream read once can be stored again when
    PostgreSQL aborts the transaction (``imports.ingest_all``). An upload (``provenance`` of
    ``Provenance.upload``) of which nothing is about its member is refused whole, saying so.
    """
    report = ImportReport()
    stage = Stage()
    done = 0
    try:
        try:
            for chunk in jsonl_chunks(stream=stream, default_network=network):
                report.read += chunk.records
                report.reject(chunk.rejections)
                stage.add(chunk.batch)
                done += chunk.bytes_read
                if progress and size:
                    progress(0.9 * done / max(size, 1))
        except JsonlFormatError as exc:
            raise ImportRefused(str(exc)) from None
        with transaction.atomic():
            ingest_all(lambda: iter(stage), report, provenance=provenance)
            result = report.ingest
            if (
                provenance.origin == Origin.UPLOAD
                and result.not_own
                and not (result.imported or result.duplicates)
            ):
                raise ImportRefused(NOT_YOURS_MESSAGE.format(accounts=accounts_named(provenance.own)))
    finally:
        stage.close()
    return report


def activity_import_jsonl(*, stream: BinaryIO, network: str | None = None) -> ImportReport:
    """The operator's import from the command line (``manage.py import_activity``)."""
    return jsonl_import(stream=stream, network=network)


def jsonl_upload_import(*, path: Path, member: Member, progress: Progress, options: dict) -> ImportReport:
    """A member's upload (the registry's importer for ``jsonl``): self-reported, so it describes
    only the member's own identities (see ``twitter.imports.archive_import``)."""
    own = member_upload_keys(member=member)
    if not own:
        raise ImportRefused(NO_ACCOUNT_MESSAGE)
    with path.open("rb") as stream:
        return jsonl_import(
            stream=stream,
            network=options.get("network") or None,
            provenance=Provenance.upload(member_id=member.pk, own=own),
            size=path.stat().st_size,
            progress=progress,
        )
