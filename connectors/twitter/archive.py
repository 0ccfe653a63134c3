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
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

from connectors.records import Batch, IdentityRecord, InteractionRecord
from connectors.twitter.statuses import StatusError, status_records
from connectors.twitter.ytd import YtdFormatError, YtdReader

NETWORK = "x"
_TWEETS = re.compile(r"^(?:.*/)?data/tweets?(?:-part\d+)?\.js$")


class ArchiveError(Exception):
    """The archive cannot be imported. Permanent: retrying the same file fails the same way."""


class NotAZipError(ArchiveError):
    pass


class MissingFileError(ArchiveError):
    pass


class ZipBombError(ArchiveError):
    pass


class BrokenJsonError(ArchiveError):
    pass


@dataclass
class ArchiveChunk:
    batch: Batch
    progress: float  # 0..1, share of the archive's data read so far


@dataclass
class ArchiveStats:
    tweets: int = 0
    followers: int = 0
    following: int = 0
    likes_skipped: int = 0
    account_id: str = ""
    handle: str = ""
    extra: dict = field(default_factory=dict)


def _member_name(names: list[str], wanted: str) -> str | None:
    for name in names:
        if name == f"data/{wanted}" or name.endswith(f"/data/{wanted}"):
            return name
    return None


_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"


def zip_entry_count(path: Path) -> int | None:
    """How many entries the zip's end record declares, read from the last 64 KiB of the file;
    None when there is no end record (not a zip).

    ``zipfile.ZipFile`` reads the whole central directory into memory as it opens a file, a
    ZipInfo object per entry: several times the directory's size, before any of our checks
    could run. This reads only the record that says how big the directory is.
    """
    with path.open("rb") as stream:
        stream.seek(0, 2)
        size = stream.tell()
        tail_start = max(0, size - (_END.size + 65535))
        stream.seek(tail_start)
        tail = stream.read()
        found = tail.rfind(_END_SIGNATURE)
        if found < 0 or len(tail) - found < _END.size:
            return None
        entries = _END.unpack_from(tail, found)[4]
        if entries != 0xFFFF:
            return entries
        # Zip64: the real count is in the zip64 end record that the locator before this one names.
        locator_at = found - _ZIP64_LOCATOR.size
        if locator_at < 0 or tail[locator_at : locator_at + 4] != _ZIP64_LOCATOR_SIGNATURE:
            return entries
        record_at = _ZIP64_LOCATOR.unpack_from(tail, locator_at)[2]
        stream.seek(record_at)
        record = stream.read(_ZIP64_END.size)
        if len(record) < _ZIP64_END.size or record[:4] != _ZIP64_END_SIGNATURE:
            return entries
        return _ZIP64_END.unpack(record)[7]


def _check_zip(path: Path) -> tuple[zipfile.ZipFile, list[str]]:
    entries = zip_entry_count(path)
    if entries is not None and entries > settings.IMPORT_MAX_ZIP_ENTRIES:
        raise ZipBombError(
            f"This archive holds {entries:,} files, more than the {settings.IMPORT_MAX_ZIP_ENTRIES:,} "
            "allowed; it was not imported."
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise NotAZipError(
            "This file is not a zip archive. Upload the .zip that X sent you, unchanged."
        ) from None
    infos = archive.infolist()
    # Sizes in the central directory are what zipfile will decompress up to (it stops at
    # the declared size), so checking them before reading bounds the work done.
    total = sum(info.file_size for info in infos)
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise ZipBombError(
            f"This archive would expand to {total:,} bytes, more than the "
            f"{settings.IMPORT_MAX_UNCOMPRESSED_BYTES:,} allowed; it was not imported."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO:
            archive.close()
            raise ZipBombError(
                f"{info.filename} expands {ratio:,.0f} times, which no real archive does "
                "(a zip bomb?); it was not imported."
            )
    names = [info.filename for info in infos if not info.is_dir()]
    return archive, names


def _elements(archive: zipfile.ZipFile, name: str, key: str, progress: _Progress) -> Iterator[dict]:
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


class _Progress:
    def __init__(self, sizes: dict[str, int]) -> None:
        self.total = max(sum(sizes.values()), 1)
        self.sizes = sizes
        self.finished = 0
        self.chars = 0

    def done(self, name: str) -> None:
        self.finished += self.sizes.get(name, 0)
        self.chars = 0

    @property
    def fraction(self) -> float:
        return min((self.finished + self.chars) / self.total, 1.0)


def x_archive_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, chunk_records: int = 5000
) -> Iterator[ArchiveChunk]:
    """Parse an archive into batches. ``observed_at`` dates follows, which X does not date.

    Raises an ``ArchiveError`` subclass on the first problem; callers stage all chunks
    before storing any, so a late error leaves nothing behind.
    """
    archive, names = _check_zip(Path(path))
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
        progress = _Progress({n: sizes[n] for n in [*tweet_files, *(v for v in wanted.values() if v)]})

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
