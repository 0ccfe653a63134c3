"""Streaming readers for the big JSON arrays of data archives: the ``window.YTD.<name>.part0 =
[ ... ]`` files of an X archive (``YtdReader``), and an array under one key of a JSON object,
such as the ``orderedItems`` of a Mastodon archive's ``outbox.json`` (``CollectionReader``).

X writes each data file as one JavaScript assignment of a (possibly huge) JSON array.
Loading it whole would need memory proportional to the archive, so the array is decoded
one element at a time with ``json.JSONDecoder.raw_decode`` over a sliding buffer filled in
64 KB chunks. An element larger than ``MAX_ELEMENT_CHARS`` is treated as broken rather than
buffered without end, which also bounds memory on a file whose JSON is damaged.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import IO

CHUNK_CHARS = 64 * 1024
MAX_ELEMENT_CHARS = 8 * 1024 * 1024
_PREFIX = re.compile(r"\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")
_WHITESPACE = " \t\r\n"


class YtdFormatError(ValueError):
    """The file is not a ``window.YTD`` array of JSON objects; the message says where."""


class YtdReader:
    """Iterates the elements of one YTD file; ``chars_read`` tells how far it got."""

    def __init__(self, binary: IO[bytes], *, name: str) -> None:
        self.name = name
        self._text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict")
        self._decoder = json.JSONDecoder()
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self._line = 1  # line number of self._pos, for error messages
        self.chars_read = 0

    def _fill(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = self._text.read(CHUNK_CHARS)
        except UnicodeDecodeError:
            raise YtdFormatError(f"{self.name} is not UTF-8 text near line {self._line}") from None
        if not chunk:
            self._eof = True
            return False
        self.chars_read += len(chunk)
        self._line += self._buffer.count("\n", 0, self._pos)
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        return True

    def _skip_whitespace(self) -> str:
        """The next non-space character (not consumed), or '' at the end of the file."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def _error(self, what: str) -> YtdFormatError:
        line = self._line + self._buffer.count("\n", 0, self._pos)
        return YtdFormatError(f"{self.name}: broken JSON near line {line}: {what}")

    def _read_prefix(self) -> None:
        while len(self._buffer) < 512 and self._fill():
            pass
        match = _PREFIX.match(self._buffer)
        if match:
            self._pos = match.end()
        elif self._buffer.lstrip().startswith("["):
            self._pos = len(self._buffer) - len(self._buffer.lstrip())
        else:
            raise YtdFormatError(f"{self.name} does not start with 'window.YTD.<name>.part0 = ['")
        if self._skip_whitespace() != "[":
            raise self._error("expected '[' after the assignment")
        self._pos += 1

    def __iter__(self) -> Iterator[object]:
        self._read_prefix()
        first = True
        while True:
            char = self._skip_whitespace()
            if char == "]":
                self._pos += 1
                self._after_array()
                return
            if char == "":
                raise self._error("the file ends before the array is closed (truncated?)")
            if not first:
                if char != ",":
                    raise self._error(f"expected ',' or ']' but found {char!r}")
                self._pos += 1
                if self._skip_whitespace() == "":
                    raise self._error("the file ends before the array is closed (truncated?)")
            yield self._decode_element()
            first = False

    def _after_array(self) -> None:
        if self._skip_whitespace() not in ("", ";"):
            raise self._error("unexpected text after the closing ']'")

    def _decode_element(self) -> object:
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except RecursionError:
                raise self._error("JSON nested too deeply") from None
            except json.JSONDecodeError as exc:
                # Either the element is cut by the chunk boundary (read more) or it is broken.
                if len(self._buffer) - self._pos > MAX_ELEMENT_CHARS:
                    raise self._error(f"{exc.msg} (or an element larger than 8 MB)") from None
                if not self._fill():
                    raise self._error(exc.msg) from None
                continue
            # A number or literal cut at the chunk end decodes "successfully" but short.
            if end == len(self._buffer) and not self._eof and not isinstance(value, dict | list | str):
                if self._fill():
                    continue
            self._pos = end
            return value


class CollectionReader(YtdReader):
    """Iterates the elements of the array under ``key`` of a JSON object (``{"key": [...]}``),
    one at a time. The object's other members before the array are decoded (each bounded by
    ``MAX_ELEMENT_CHARS``) and dropped, so that however many there are, memory stays flat;
    those after it are not read. A file without the key is a ``YtdFormatError``."""

    def __init__(self, binary: IO[bytes], *, name: str, key: str) -> None:
        super().__init__(binary, name=name)
        self.key = key

    def _read_prefix(self) -> None:
        if self._skip_whitespace() != "{":
            raise self._error("expected a JSON object")
        self._pos += 1
        while True:
            char = self._skip_whitespace()
            if char == "}" or char == "":
                raise YtdFormatError(f"{self.name} has no {self.key!r} list")
            if char == ",":
                self._pos += 1
                continue
            name = self._decode_element()
            if not isinstance(name, str) or self._skip_whitespace() != ":":
                raise self._error("expected a member name and ':'")
            self._pos += 1
            if self._skip_whitespace() == "":
                raise self._error("the file ends inside the object (truncated?)")
            if name == self.key:
                if self._skip_whitespace() != "[":
                    raise self._error(f"{self.key!r} is not a list")
                self._pos += 1
                return
            self._decode_element()

    def _after_array(self) -> None:
        pass  # the object's members after the array are not needed
