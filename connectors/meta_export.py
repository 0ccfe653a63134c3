"""What Instagram's and Facebook's "Download your information" exports share (JSON format).

- Both are zips of JSON files, found by their name wherever Meta puts them (the folders moved
  between versions: ``your_instagram_activity/content/`` was ``content/``).
- Meta writes text as the bytes of UTF-8 each escaped as a character (``"Caf\\u00c3\\u00a9"``
  for "Café"): ``meta_text`` undoes it.
- A file is either a list, or an object holding the list under one key (``"ig_reels_media"``,
  ``"comments_v2"``); both are read one element at a time (``connectors.json_stream``), so that
  a file of any size is read in flat memory.
"""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.archives import ArchiveError, BrokenJsonError, ReadProgress
from connectors.json_stream import CollectionReader, YtdFormatError, YtdReader
from connectors.records import PLAUSIBLE_YEARS

MAX_SMALL_FILE_BYTES = 4 * 1024 * 1024


def meta_text(value: Any) -> str:
    """Meta's text, its UTF-8 bytes written back as the characters they are."""
    if not isinstance(value, str):
        return ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value  # written properly already (or not by Meta's quirk)


def meta_time(value: Any) -> datetime | None:
    """Meta's times are Unix seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        moment = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if moment.year in PLAUSIBLE_YEARS else None


def files_named(names: list[str], *patterns: str) -> list[str]:
    """The archive's files whose base name matches one of ``patterns`` (``posts_*.json``)."""
    return sorted(n for n in names if any(fnmatch.fnmatch(n.rsplit("/", 1)[-1], p) for p in patterns))


def small_json(archive: zipfile.ZipFile, name: str) -> Any:
    """A small file (a profile) read whole, within a bound."""
    import json

    label = name.rsplit("/", 1)[-1]
    if archive.getinfo(name).file_size > MAX_SMALL_FILE_BYTES:
        raise ArchiveError(f"{label} is larger than such a file can be")
    try:
        return json.loads(archive.read(name).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BrokenJsonError(f"{label}: broken JSON ({error})") from None


def elements(
    archive: zipfile.ZipFile, name: str, progress: ReadProgress, *, key: str | None = None
) -> Iterator[Any]:
    """The elements of the list a file holds: the file itself, or its member ``key`` (when the
    file is an object; a list file is read as it is whatever ``key`` says)."""
    label = name.rsplit("/", 1)[-1]
    with archive.open(name) as binary:
        head = binary.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"[" if key is None else (b"[", b"{")):
            raise BrokenJsonError(f"{label}: not the JSON {'list' if key is None else 'file'} Meta writes")
        try:
            if key is not None and head.startswith(b"{"):
                yield from CollectionReader(binary, name=label, key=key)
            else:
                yield from YtdReader(binary, name=label)
        except YtdFormatError as error:
            raise BrokenJsonError(str(error)) from None
    progress.done(name)
