"""Parser for the zip that X's "Download your archive" produces.

What is read, from ``data/``: ``account.js`` (whose archive it is), ``profile.js`` (bio,
location, website), ``tweets.js`` or ``tweet.js`` (and ``-partN`` continuations: the
member's posts, replies, reposts and the mentions in them), ``follower.js`` and
``following.js`` (follows), ``like.js`` (counted only: X's archive records which posts were
liked but not who wrote them, so a like cannot be attributed to anyone).

The zip is checked before anything is decompressed (not a zip, no tweets file, zip bomb),
then each file is streamed through ``YtdReader``; memory stays flat however big the archive.
Errors are ``ArchiveError`` subclasses whose message can be shown to the member as is.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

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
from connectors.json_stream import YtdFormatError, YtdReader
from connectors.records import Batch, IdentityRecord, InteractionRecord
from connectors.twitter.statuses import StatusError, status_records

NETWORK = "x"
_TWEETS = re.compile(r"^(?:.*/)?data/tweets?(?:-part\d+)?\.js$")


def _member_name(names: list[str], wanted: str) -> str | None:
    for name in names:
        if name == f"data/{wanted}" or name.endswith(f"/data/{wanted}"):
            return name
    return None


def _elements(archive: zipfile.ZipFile, name: str, key: str, progress: ReadProgress) -> Iterator[dict]:
    try:
        with archive.open(name) as binary:
            reader = YtdReader(binary, name=name)
            for element in reader:
                progress.chars = reader.chars_read
                if isinstance(element, dict) and key in element and isinstance(element[key], dict):
                    yield element[key]
                elif isinstance(element, dict) and key == "tweet" and "id_str" in element:
                    yield element  # older archives list tweets without the wrapper
                else:
                    raise BrokenJsonError(f"{name}: an entry is not a {{{key!r}: {{...}}}} object")
            progress.done(name)
    except YtdFormatError as exc:
        raise BrokenJsonError(f"{exc}. The archive was not imported.") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise NotAZipError(f"{name} cannot be decompressed ({exc}); the zip is damaged.") from None


def x_archive_recognized(path: Path) -> bool:
    return any(_TWEETS.match(name) for name in zip_names(Path(path)))


def x_archive_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, chunk_records: int = 5000
) -> Iterator[ArchiveChunk]:
    """Parse an archive into batches. ``observed_at`` dates follows, which X does not date.

    Raises an ``ArchiveError`` subclass on the first problem; callers stage all chunks
    before storing any, so a late error leaves nothing behind.
    """
    archive, names = zip_open(Path(path), what="the .zip that X sent you")
    with archive:
        tweet_files = sorted(n for n in names if _TWEETS.match(n))
        if not tweet_files:
            raise MissingFileError(
                "This zip has no data/tweets.js (or data/tweet.js): it is not an X archive, "
                "or it was repacked without its data folder."
            )
        wanted = {
            "account": _member_name(names, "account.js"),
            "profile": _member_name(names, "profile.js"),
            "follower": _member_name(names, "follower.js"),
            "following": _member_name(names, "following.js"),
            "like": _member_name(names, "like.js"),
        }
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        progress = ReadProgress({n: sizes[n] for n in [*tweet_files, *(v for v in wanted.values() if v)]})

        member = IdentityRecord(network=NETWORK, external_id="")
        if wanted["account"]:
            for account in _elements(archive, wanted["account"], "account", progress):
                member.external_id = str(account.get("accountId") or "")
                member.handle = str(account.get("username") or "")
                member.name = str(account.get("accountDisplayName") or "")
        if wanted["profile"]:
            for profile in _elements(archive, wanted["profile"], "profile", progress):
                description = profile.get("description") or {}
                member.bio = str(description.get("bio") or "")
                member.location = str(description.get("location") or "")
                member.url = str(description.get("website") or "")
        if not member.external_id.isdigit():
            raise MissingFileError(
                "This archive has no data/account.js naming its account; it cannot be imported."
            )
        stats.account_id, stats.handle = member.external_id, member.handle

        batch = Batch(identities=[member])

        def full() -> bool:
            return len(batch) >= chunk_records

        for name in tweet_files:
            for tweet in _elements(archive, name, "tweet", progress):
                try:
                    status_records(tweet, author_id=member.external_id, handle=member.handle, batch=batch)
                except StatusError as exc:
                    raise BrokenJsonError(str(exc)) from None
                stats.tweets += 1
                if full():
                    yield ArchiveChunk(batch, progress.fraction)
                    batch = Batch()
        for key, counter in (("follower", "followers"), ("following", "following")):
            if not wanted[key]:
                continue
            for entry in _elements(archive, wanted[key], key, progress):
                other = str(entry.get("accountId") or "")
                if not other.isdigit():
                    raise BrokenJsonError(f"{wanted[key]}: an entry has no accountId")
                actor, target = (
                    (other, member.external_id) if key == "follower" else (member.external_id, other)
                )
                batch.interactions.append(
                    InteractionRecord(
                        network=NETWORK,
                        kind="follow",
                        actor_id=actor,
                        target_id=target,
                        occurred_at=observed_at,
                    )
                )
                setattr(stats, counter, getattr(stats, counter) + 1)
                if full():
                    yield ArchiveChunk(batch, progress.fraction)
                    batch = Batch()
        if wanted["like"]:
            for _like in _elements(archive, wanted["like"], "like", progress):
                stats.likes_skipped += 1
        yield ArchiveChunk(batch, 1.0)
