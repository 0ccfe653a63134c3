"""What every data archive import shares: its errors, the zip's checks before anything is
decompressed (entries, total size, compression ratio: no zip bomb), its chunks and progress.

The networks' parsers live with them (``twitter/archive.py``, ``mastodon/archive.py``);
``json_stream`` reads their big JSON arrays one element at a time.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from connectors.records import Batch


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
class ArchiveStats:
    """What an archive held, for its import's report; ``tweets`` counts its posts (the name the
    stored reports of earlier imports carry)."""

    tweets: int = 0
    followers: int = 0
    following: int = 0
    likes_skipped: int = 0
    account_id: str = ""
    handle: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class ArchiveChunk:
    batch: Batch
    progress: float  # 0..1, share of the archive's data read so far


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


def zip_open(path: Path, *, what: str) -> tuple[zipfile.ZipFile, list[str]]:
    """The zip and its file names, once its declared sizes and counts are checked (``what`` is
    what the member should upload instead, for the message)."""
    entries = zip_entry_count(path)
    if entries is not None and entries > settings.IMPORT_MAX_ZIP_ENTRIES:
        raise ZipBombError(
            f"This archive holds {entries:,} files, more than the {settings.IMPORT_MAX_ZIP_ENTRIES:,} "
            "allowed; it was not imported."
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise NotAZipError(f"This file is not a zip archive. Upload {what}, unchanged.") from None
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


class ReadProgress:
    """How far through an archive's files a parse is, for its progress bar."""

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


def zip_names(path: Path) -> list[str]:
    """The file names of a zip within the limits, or [] for any other file (to tell formats apart)."""
    try:
        archive, names = zip_open(path, what="an archive")
    except ArchiveError:
        return []
    archive.close()
    return names
