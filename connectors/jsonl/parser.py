"""Streaming parser for the generic JSON Lines activity format (docs/import-format.md).

The file is read line by line, never whole, so its size does not matter. A line that is
wrong is reported with its number and reason and the rest go on; a file that is not JSON
Lines at all (its first record line is not a JSON object, or it is binary) is refused
before anything is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO

import orjson

from connectors.records import (
    CANONICALIZED_NETWORKS,
    INTERACTION_KINDS,
    NETWORKS,
    POST_KINDS,
    Batch,
    IdentityRecord,
    InteractionRecord,
    PostRecord,
    identity_record_problem,
    interaction_record_problem,
    plain_ids,
    post_record_problem,
)
from connectors.twitter.statuses import NETWORK as NETWORK_OF_STATUSES
from connectors.twitter.statuses import StatusError, v1_status_records

MAX_LINE_BYTES = 1024 * 1024
# Lines a chunk (one ingest batch) holds. Each batch costs a dozen round trips and
# statements whatever its size, so small ones are slow: on 1M events, 5,000 a batch stored
# 62k events/s, 50,000 a batch 87-92k (bench/ingest_bench.py). Three are alive at once, at
# some 30-40 MB each.
CHUNK_RECORDS = 50_000
_decode = json.JSONDecoder().decode
# About four times faster than the json module. Its result is used only for a line that
# ``_plain_interaction`` takes, which looks at strings and objects alone, where the two agree;
# any other line is decoded again by the json module, whose answers (integers beyond 64 bits,
# NaN, lone surrogates, error messages) differ from orjson's and are the documented ones.
_fast_decode = orjson.loads
LINE_KINDS = ("post", *INTERACTION_KINDS)
_PROFILE_FIELDS = ("handle", "name", "location", "bio", "url")
_PROFILE_COUNTS = {"followers": "followers", "following": "following", "posts": "posts", "listed": "listed"}
_POST_COUNTS = ("reposts", "replies", "likes", "quotes", "views")


class JsonlFormatError(Exception):
    """The file as a whole is not JSON Lines; nothing of it was stored."""


class LineError(ValueError):
    """One line is not a valid record; the message is shown to the person as the reason."""


@dataclass
class LineRejection:
    line: int
    reason: str


@dataclass
class ParsedChunk:
    """Records of consecutive lines, ready for one ``ingest_batch`` call."""

    batch: Batch
    lines_read: int  # lines read so far in the file, blank ones included
    records: int  # non-blank lines in this chunk
    rejections: list[LineRejection] = field(default_factory=list)
    bytes_read: int = 0


def _text(obj: dict, key: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise LineError(f"{key} is missing")
        return ""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and key in {"id", "post_id", "parent_id"}
    ):
        # Ids written as numbers lose precision above 2**53 in most JSON writers; say so.
        raise LineError(f"{key} must be a string (ids written as numbers lose digits)")
    if not isinstance(value, str):
        raise LineError(f"{key} must be a string")
    if required and not value:
        raise LineError(f"{key} is empty")
    return value


def _count(obj: dict, key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"{key} must be a whole number")
    if value < 0:
        raise LineError(f"{key} must not be negative")
    return value


def _time(obj: dict, key: str) -> datetime:
    raw = obj.get(key)
    if not isinstance(raw, str) or not raw:
        raise LineError(f"{key} is missing (an ISO 8601 time such as 2012-11-06T20:07:27Z)")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise LineError(f"{key} {raw!r} is not an ISO 8601 time such as 2012-11-06T20:07:27Z") from None
    if value.tzinfo is None:
        raise LineError(f"{key} {raw!r} has no time zone (end it with Z or +00:00)")
    return value


def _network(obj: dict, default: str | None) -> str:
    network = obj.get("network", default)
    if network is None:
        raise LineError("network is missing (give it on the line or with --network)")
    if network not in NETWORKS:
        raise LineError(f"network {network!r} is not one of {', '.join(NETWORKS)}")
    return network


def _identity(obj: object, network: str, role: str) -> tuple[str, IdentityRecord | None]:
    """The id of an actor/target object, and an identity record if it says more than the id."""
    if isinstance(obj, str):
        raise LineError(f'{role} must be an object such as {{"id": "..."}}, not a string')
    if not isinstance(obj, dict):
        raise LineError(f"{role} is missing")
    try:
        external_id = _text(obj, "id", required=True)
    except LineError as exc:
        raise LineError(f"{role}.{exc}") from None
    if set(obj) <= {"id"}:
        return external_id, None
    return external_id, _identity_record(obj, network, prefix=f"{role}.")


def _identity_record(obj: dict, network: str, *, prefix: str = "") -> IdentityRecord:
    try:
        record = IdentityRecord(network=network, external_id=_text(obj, "id", required=True))
        for name in _PROFILE_FIELDS:
            setattr(record, name, _text(obj, name))
        for key, attr in _PROFILE_COUNTS.items():
            setattr(record, attr, _count(obj, key))
        verified = obj.get("verified")
        if verified is not None and not isinstance(verified, bool):
            raise LineError("verified must be true or false")
        record.verified = verified
    except LineError as exc:
        raise LineError(f"{prefix}{exc}") from None
    problem = identity_record_problem(record)
    if problem:
        raise LineError(f"{prefix}{problem}")
    return record


def _plain_interaction(obj: dict, default_network: str | None) -> InteractionRecord | None:
    """The record of the commonest line, an interaction between two identities given by id only.

    Checked inline, as ``parse_line`` and ``interaction_record_problem`` would check it, at a
    fraction of their cost. ``None`` for any other line or anything wrong or unusual, which
    ``parse_line`` then handles and, if need be, gives the reason for.
    """
    network = obj.get("network", default_network)
    kind = obj.get("kind")
    actor = obj.get("actor")
    target = obj.get("target")
    if not (
        network in NETWORKS
        and network not in CANONICALIZED_NETWORKS
        and kind in INTERACTION_KINDS
        and type(actor) is dict
        and type(target) is dict
        and len(actor) == 1
        and len(target) == 1
        and obj.get("record", "activity") == "activity"
    ):
        return None
    actor_id = actor.get("id")
    target_id = target.get("id")
    post_id = obj.get("post_id")
    raw = obj.get("occurred_at")
    if post_id is None:
        post_id = ""
    if not (
        type(raw) is str and plain_ids(actor_id, target_id, post_id) and not (kind == "follow" and post_id)
    ):
        return None
    try:
        occurred_at = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if type(occurred_at.tzinfo) is not timezone:
        return None
    return InteractionRecord(network, kind, actor_id, target_id, occurred_at, post_id)


def parse_line(obj: object, *, default_network: str | None, into: Batch) -> None:
    """Add the records one decoded line describes to ``into``, or raise ``LineError``."""
    if not isinstance(obj, dict):
        raise LineError("a line must be a JSON object")
    plain = _plain_interaction(obj, default_network)
    if plain is not None:
        into.interactions.append(plain)
        return
    if _is_v1_status(obj):
        _v1_status(obj, default_network, into)
        return
    record_type = obj.get("record", "activity")
    network = _network(obj, default_network)
    if record_type == "identity":
        into.identities.append(_identity_record(obj, network))
        return
    if record_type != "activity":
        raise LineError(f"record {record_type!r} is not one of 'activity', 'identity'")

    kind = obj.get("kind")
    if kind not in LINE_KINDS:
        raise LineError(f"kind {kind!r} is not one of {', '.join(LINE_KINDS)}")
    actor_id, actor = _identity(obj.get("actor"), network, "actor")
    occurred_at = _time(obj, "occurred_at")
    post_id = _text(obj, "post_id")
    identities = [actor] if actor else []
    if kind == "post":
        if not post_id:
            raise LineError("post_id is missing (a post needs its id)")
        post_kind = obj.get("post_kind", "post")
        if post_kind not in POST_KINDS:
            raise LineError(f"post_kind {post_kind!r} is not one of {', '.join(POST_KINDS)}")
        post = PostRecord(
            network=network,
            external_id=post_id,
            author_id=actor_id,
            created_at=occurred_at,
            kind=post_kind,
            text=_text(obj, "text"),
            language=_text(obj, "language"),
            url=_text(obj, "url"),
            parent_id=_text(obj, "parent_id"),
            **{name: _count(obj, name) for name in _POST_COUNTS},
        )
        problem = post_record_problem(post)
        if problem:
            raise LineError(problem)
        into.identities.extend(identities)
        into.posts.append(post)
        return

    target_id, target = _identity(obj.get("target"), network, "target")
    if target:
        identities.append(target)
    if kind == "follow" and post_id:
        raise LineError("a follow concerns no post: remove post_id")
    interaction = InteractionRecord(
        network=network,
        kind=kind,
        actor_id=actor_id,
        target_id=target_id,
        occurred_at=occurred_at,
        post_id=post_id,
    )
    problem = interaction_record_problem(interaction)
    if problem:
        raise LineError(problem)
    into.identities.extend(identities)
    into.interactions.append(interaction)


def _is_v1_status(obj: dict) -> bool:
    """A status as the X API v1.1 gave it, author included: twarc 1 and twitter-to-sqlite save
    these, one per line. Activity and identity lines never have ``id_str`` and ``user``."""
    return "id_str" in obj and isinstance(obj.get("user"), dict) and not {"record", "kind"} & obj.keys()


def _v1_status(obj: dict, default_network: str | None, into: Batch) -> None:
    network = obj.get("network", default_network or NETWORK_OF_STATUSES)
    if network != NETWORK_OF_STATUSES:
        raise LineError(f"an X status, but the network given is {network!r}")
    found = Batch()
    try:
        v1_status_records(obj, found)
    except StatusError as exc:
        raise LineError(str(exc)) from None
    except (AttributeError, TypeError, ValueError):
        # A field of a type no status has; the parser checks the ones it relies on.
        raise LineError("not a readable X status: a field has the wrong type") from None
    for problem in (
        *map(identity_record_problem, found.identities),
        *map(post_record_problem, found.posts),
        *map(interaction_record_problem, found.interactions),
    ):
        if problem:
            raise LineError(problem)
    into.extend(found)


def _refuse_unless_jsonl(first: bytes) -> None:
    if b"\x00" in first:
        raise JsonlFormatError("This is a binary file, not JSON Lines (one JSON object per line).")
    stripped = first.strip()
    if stripped.startswith(b"["):
        raise JsonlFormatError(
            "This looks like one JSON array, not JSON Lines: write one JSON object per line instead."
        )
    if stripped.startswith(b"PK"):
        raise JsonlFormatError("This is a zip file. Upload an X archive as an archive, not as JSON Lines.")
    try:
        obj = json.loads(stripped)
    except RecursionError:
        raise JsonlFormatError(
            "This is not JSON Lines: its first line is nested too deeply to read."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise JsonlFormatError(
            "This is not JSON Lines: its first line is not a JSON object "
            "(the format is one JSON object per line, see docs/import-format.md)."
        ) from None
    if not isinstance(obj, dict):
        raise JsonlFormatError("This is not JSON Lines: its first line is not a JSON object.")


def _lines(stream: BinaryIO) -> Iterator[tuple[bytes | None, int]]:
    """(line, bytes consumed); ``None`` for a line longer than MAX_LINE_BYTES, skipped whole."""
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            consumed = len(raw)
            while True:
                rest = stream.readline(MAX_LINE_BYTES)
                consumed += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None, consumed
        else:
            yield raw, len(raw)


def jsonl_chunks(
    *, stream: BinaryIO, default_network: str | None = None, chunk_records: int = CHUNK_RECORDS
) -> Iterator[ParsedChunk]:
    """Parse a JSON Lines byte stream into chunks of about ``chunk_records`` lines each.

    Raises ``JsonlFormatError`` before yielding anything if the file is not JSON Lines.
    """
    if default_network is not None and default_network not in NETWORKS:
        raise JsonlFormatError(f"--network {default_network!r} is not one of {', '.join(NETWORKS)}")
    line_no = 0
    seen_record = False
    chunk = ParsedChunk(batch=Batch(), lines_read=0, records=0)
    for raw, size in _lines(stream):
        line_no += 1
        chunk.bytes_read += size
        if raw is None:
            if not seen_record:
                raise JsonlFormatError("This is not JSON Lines: its first line is longer than 1 MB.")
            chunk.records += 1
            chunk.rejections.append(LineRejection(line_no, "line is longer than 1 MB"))
            continue
        if seen_record:
            if raw.isspace():
                continue
        else:
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a byte-order mark, as Windows editors write
            if not raw.strip():
                continue
            _refuse_unless_jsonl(raw)
            seen_record = True
        chunk.records += 1
        try:
            fast = _fast_decode(raw)
        except ValueError:
            fast = None
        plain = _plain_interaction(fast, default_network) if type(fast) is dict else None
        if plain is not None:
            chunk.batch.interactions.append(plain)
        else:
            try:
                # Decoding to str first skips json.loads' per-call encoding sniffing.
                obj = _decode(raw.decode("utf-8"))
            except UnicodeDecodeError:
                chunk.rejections.append(LineRejection(line_no, "not UTF-8 text"))
                continue
            except RecursionError:
                chunk.rejections.append(LineRejection(line_no, "not valid JSON: nested too deeply"))
                continue
            except ValueError as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                column = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
                chunk.rejections.append(LineRejection(line_no, f"not valid JSON: {reason}{column}"))
                continue
            try:
                parse_line(obj, default_network=default_network, into=chunk.batch)
            except LineError as exc:
                chunk.rejections.append(LineRejection(line_no, str(exc)))
        if chunk.records >= chunk_records:
            chunk.lines_read = line_no
            yield chunk
            chunk = ParsedChunk(batch=Batch(), lines_read=0, records=0)
    if not seen_record:
        raise JsonlFormatError("The file is empty: there is no record in it.")
    chunk.lines_read = line_no
    yield chunk
