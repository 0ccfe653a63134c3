"""Parser for the zip of Mastodon's "Request your archive" (Settings, Import and export).

What is read: ``actor.json`` (whose archive it is: the ActivityPub actor, with its name and
bio), ``outbox.json`` (the member's activities: ``Create`` of a ``Note`` is a post, a reply
when it has ``inReplyTo``, with its ``Mention`` tags; ``Announce`` is a boost of the status it
names), ``likes.json`` (the statuses the member favourited). ``bookmarks.json`` is private
and says nothing of influence: it is not read. Media files are not read.

A status is named by its URI, whose path names its author on Mastodon's usual form
(``https://server/users/name/statuses/1``); a status whose URI names no account (other
software's forms) gives no interaction. The archive dates no favourite: those are dated at
the export. Counts (favourites and boosts received) are not in the archive.

The zip is checked before anything is decompressed (``connectors.archives.zip_open``) and the
outbox streamed one activity at a time (``json_stream.CollectionReader``).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.archives import (
    ArchiveChunk,
    ArchiveStats,
    BrokenJsonError,
    MissingFileError,
    NotAZipError,
    ReadProgress,
    zip_names,
    zip_open,
)
from connectors.json_stream import CollectionReader, YtdFormatError
from connectors.json_values import parse_time
from connectors.mastodon.parser import NETWORK
from connectors.profiles import html_text
from connectors.records import (
    Batch,
    ExternalIdError,
    IdentityRecord,
    InteractionRecord,
    PostRecord,
    external_id_canonical,
)

MAX_ACTOR_BYTES = 1024 * 1024


def _file(names: list[str], wanted: str) -> str | None:
    for name in names:
        if name == wanted or name.endswith(f"/{wanted}"):
            return name
    return None


def is_mastodon_archive(names: list[str]) -> bool:
    return bool(_file(names, "outbox.json") and _file(names, "actor.json"))


def mastodon_archive_recognized(path: Path) -> bool:
    return is_mastodon_archive(zip_names(Path(path)))


def _account(uri: Any) -> str | None:
    """The account a status or actor URI names (``bob@server``), or None."""
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        return None
    try:
        return external_id_canonical(network=NETWORK, external_id=uri)
    except ExternalIdError:
        return None


def _items(archive: zipfile.ZipFile, name: str, progress: ReadProgress) -> Iterator[Any]:
    try:
        with archive.open(name) as binary:
            reader = CollectionReader(binary, name=name, key="orderedItems")
            for item in reader:
                progress.chars = reader.chars_read
                yield item
            progress.done(name)
    except YtdFormatError as exc:
        raise BrokenJsonError(f"{exc}. The archive was not imported.") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise NotAZipError(f"{name} cannot be decompressed ({exc}); the zip is damaged.") from None


def _actor(archive: zipfile.ZipFile, name: str) -> IdentityRecord:
    info = archive.getinfo(name)
    if info.file_size > MAX_ACTOR_BYTES:
        raise BrokenJsonError(f"{name} is larger than an account's description can be; it was not imported.")
    try:
        actor = json.loads(archive.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BrokenJsonError(f"{name} is not JSON; the archive was not imported.") from None
    address = _account(actor.get("id")) if isinstance(actor, dict) else None
    if address is None:
        raise MissingFileError(f"{name} names no account; the archive was not imported.")
    return IdentityRecord(
        network=NETWORK,
        external_id=address,
        handle=address,
        name=str(actor.get("name") or "")[:200],
        bio=html_text(actor["summary"]).strip()[:2000] if isinstance(actor.get("summary"), str) else "",
    )


def _activity(item: Any, *, member: str, batch: Batch) -> bool:
    """Add one outbox activity to ``batch``; whether it was a post or a boost of the member's."""
    if not isinstance(item, dict) or _account(item.get("actor")) not in (member, None):
        return False
    kind = item.get("type")
    when = parse_time(item.get("published"))
    # Only the member's own activities and statuses: an id names its author, and an upload that
    # took another person's status ids would keep them from ever being stored under that person.
    if kind == "Announce" and when is not None and _account(item.get("id")) == member:
        original = item.get("object")
        original = original.get("id") if isinstance(original, dict) else original
        author = _account(original)
        batch.posts.append(
            PostRecord(
                network=NETWORK, external_id=item["id"], author_id=member, created_at=when, kind="repost",
                parent_id=original if isinstance(original, str) else "",
            )
        )  # fmt: skip
        if author and author != member:
            batch.interactions.append(_interaction("repost", member, author, when, original))
        return True
    note = item.get("object") if kind == "Create" else None
    if not isinstance(note, dict) or note.get("type") != "Note" or _account(note.get("id")) != member:
        return False
    when = parse_time(note.get("published")) or when
    if when is None:
        return False
    parent = note.get("inReplyTo") if isinstance(note.get("inReplyTo"), str) else ""
    batch.posts.append(
        PostRecord(
            network=NETWORK,
            external_id=note["id"],
            author_id=member,
            created_at=when,
            kind="reply" if parent else "post",
            text=html_text(note["content"]).strip()[:5000] if isinstance(note.get("content"), str) else "",
            url=note["url"] if str(note.get("url", "")).startswith("https://") else "",
            parent_id=parent,
        )
    )
    acted_on = {member}
    replied_to = _account(parent)
    if replied_to and replied_to not in acted_on:
        acted_on.add(replied_to)
        batch.interactions.append(_interaction("reply", member, replied_to, when, parent))
    for tag in note.get("tag") if isinstance(note.get("tag"), list) else []:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        mentioned = _account(tag.get("href")) or _named(tag.get("name"))
        if mentioned and mentioned not in acted_on:
            acted_on.add(mentioned)
            batch.interactions.append(_interaction("mention", member, mentioned, when, note["id"]))
    return True


def _named(name: Any) -> str | None:
    if not isinstance(name, str) or name.count("@") != 2:
        return None
    try:
        return external_id_canonical(network=NETWORK, external_id=name)
    except ExternalIdError:
        return None


def _interaction(kind: str, actor: str, target: str, when: datetime, post_id: str) -> InteractionRecord:
    return InteractionRecord(
        network=NETWORK, kind=kind, actor_id=actor, target_id=target, occurred_at=when, post_id=post_id
    )


def mastodon_archive_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, chunk_records: int = 5000
) -> Iterator[ArchiveChunk]:
    """Parse a Mastodon archive into batches; ``ArchiveError`` on the first problem."""
    archive, names = zip_open(Path(path), what="the .zip your Mastodon server prepared")
    with archive:
        if not is_mastodon_archive(names):
            raise MissingFileError(
                "This zip has no outbox.json and actor.json: it is not a Mastodon archive, or it was "
                "repacked without them."
            )
        outbox, actor = _file(names, "outbox.json"), _file(names, "actor.json")
        likes = _file(names, "likes.json")
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        progress = ReadProgress({n: sizes[n] for n in (outbox, likes) if n})
        member = _actor(archive, actor)
        stats.account_id, stats.handle = member.external_id, member.handle
        batch = Batch(identities=[member])
        for item in _items(archive, outbox, progress):
            if _activity(item, member=member.external_id, batch=batch):
                stats.tweets += 1
            if len(batch) >= chunk_records:
                yield ArchiveChunk(batch, progress.fraction)
                batch = Batch()
        for uri in _items(archive, likes, progress) if likes else ():
            author = _account(uri)
            if author is None or author == member.external_id:
                stats.likes_skipped += 1
                continue
            batch.interactions.append(_interaction("like", member.external_id, author, observed_at, uri))
            if len(batch) >= chunk_records:
                yield ArchiveChunk(batch, progress.fraction)
                batch = Batch()
        yield ArchiveChunk(batch, 1.0)
