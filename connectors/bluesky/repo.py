"""Parser for the repository export of Bluesky's "Export my data" (a ``.car`` file).

A CAR file holds the account's whole repository as content-addressed blocks (read with the
atproto SDK's ``CAR``): the commit (whose ``did`` says whose repository it is) points to a
Merkle search tree whose entries map record keys (``app.bsky.feed.post/3kah...``) to records.
The tree is walked for the keys, since a post's URI is ``at://<did>/<key>``. Read:

- ``app.bsky.actor.profile/self``: the display name and bio;
- ``app.bsky.feed.post``: posts, replies (to the author of ``reply.parent``), quotes (of an
  embedded record), mentions (mention facets);
- ``app.bsky.feed.repost`` and ``app.bsky.feed.like``: a repost or like of the author of the
  post in ``subject.uri``, at the record's ``createdAt``;
- ``app.bsky.graph.follow``: a follow of ``subject``.

Counts of what the member's posts received are not in a repository: connect Bluesky for those.
The whole file is read at once (the SDK's reader), so its size is bounded (``MAX_CAR_BYTES``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.archives import ArchiveChunk, ArchiveError, ArchiveStats, BrokenJsonError, MissingFileError
from connectors.bluesky.parser import (
    NETWORK,
    did_of,
    mentioned_dids,
    post_author,
    quoted_uri,
)
from connectors.json_values import as_dict, parse_time
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

MAX_CAR_BYTES = 1024**3
MAX_TREE_NODES = 2_000_000
_CAR_VERSION_1 = b"\xa2eroots"  # a CAR v1 header: the DAG-CBOR map {"roots": [...], "version": 1}


class NotACarError(ArchiveError):
    pass


def bluesky_repo_recognized(path: Path) -> bool:
    """Whether the file starts as a CAR v1 file does (a varint length, then its header map)."""
    with Path(path).open("rb") as stream:
        head = stream.read(16)
    return len(head) > 8 and head[0] < 0x80 and head[1:8] == _CAR_VERSION_1


def _blocks(path: Path):
    from atproto_core.car import CAR
    from atproto_core.cid import CID

    size = Path(path).stat().st_size
    if size > MAX_CAR_BYTES:
        raise ArchiveError(f"This repository export is {size:,} bytes, more than the {MAX_CAR_BYTES:,} read.")
    if not bluesky_repo_recognized(path):
        raise NotACarError(
            "This file is not a Bluesky repository export. Upload the .car file of Bluesky's "
            "Settings, Account, Export my data, unchanged."
        )
    try:
        car = CAR.from_bytes(Path(path).read_bytes())
    except Exception as exc:  # the SDK's reader raises its own, and libipld's, errors
        raise BrokenJsonError(f"This repository export is damaged ({exc}); it was not imported.") from None

    def block(link: Any) -> dict | None:
        try:
            found = car.blocks.get(CID.from_decoded_bytes(link) if isinstance(link, bytes) else link)
        except Exception:
            return None
        return found if isinstance(found, dict) else None

    return car, block


def _records(root: dict, block) -> Iterator[tuple[str, Any]]:
    """(record key, record link) of every entry of the tree, in key order."""
    seen = 0
    pending: list[tuple[str, Any]] = [("node", root.get("data"))]
    while pending:
        what, value = pending.pop()
        if what == "entry":
            yield value
            continue
        node = block(value)
        seen += 1
        if node is None or seen > MAX_TREE_NODES:
            continue
        entries = node.get("e") if isinstance(node.get("e"), list) else []
        # Entries' keys are compressed against the previous one: rebuild them in order first.
        keys, previous = [], b""
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("k"), bytes):
                break
            prefix = entry.get("p") if isinstance(entry.get("p"), int) else 0
            previous = previous[:prefix] + entry["k"]
            keys.append((previous.decode("utf-8", "replace"), entry))
        # In order: the left subtree, then each entry and the subtree to its right.
        later: list[tuple[str, Any]] = []
        if node.get("l") is not None:
            later.append(("node", node["l"]))
        for key, entry in keys:
            later.append(("entry", (key, entry.get("v"))))
            if entry.get("t") is not None:
                later.append(("node", entry["t"]))
        pending.extend(reversed(later))


def _interaction(kind: str, actor: str, target: str, when: datetime, post_id: str = "") -> InteractionRecord:
    return InteractionRecord(
        network=NETWORK, kind=kind, actor_id=actor, target_id=target, occurred_at=when, post_id=post_id
    )


def _post(did: str, key: str, record: dict, batch: Batch) -> bool:
    when = parse_time(record.get("createdAt"))
    if when is None:
        return False
    uri = f"at://{did}/{key}"
    parent = as_dict(as_dict(record.get("reply")).get("parent")).get("uri")
    parent = parent if post_author(parent) else None
    quoted = quoted_uri(record)
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    batch.posts.append(
        PostRecord(
            network=NETWORK,
            external_id=uri,
            author_id=did,
            created_at=when,
            kind="reply" if parent else "quote" if quoted else "post",
            text=record["text"][:5000] if isinstance(record.get("text"), str) else "",
            language=langs[0][:16] if langs and isinstance(langs[0], str) else "",
            url=f"https://bsky.app/profile/{did}/post/{key.rsplit('/', 1)[-1]}",
            parent_id=parent or quoted or "",
        )
    )
    acted_on = {did}
    for kind, other in (("reply", parent), ("quote", quoted)):
        target = post_author(other)
        if target and target not in acted_on:
            acted_on.add(target)
            batch.interactions.append(_interaction(kind, did, target, when, other))
    for mentioned in mentioned_dids(record):
        if mentioned not in acted_on:
            acted_on.add(mentioned)
            batch.interactions.append(_interaction("mention", did, mentioned, when, uri))
    return True


def bluesky_repo_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, chunk_records: int = 5000
) -> Iterator[ArchiveChunk]:
    """Parse a repository export into batches; ``ArchiveError`` on the first problem."""
    car, block = _blocks(path)
    commit = block(car.root)
    did = did_of(commit.get("did")) if commit else None
    if did is None:
        raise MissingFileError("This repository export names no account (no DID); it was not imported.")
    stats.account_id = stats.handle = did
    member = IdentityRecord(network=NETWORK, external_id=did)
    batch = Batch(identities=[member])
    total = max(len(car.blocks), 1)
    done = 0
    for key, link in _records(commit, block):
        done += 1
        collection = key.split("/", 1)[0]
        record = block(link)
        if record is None:
            continue
        if collection == "app.bsky.actor.profile":
            member.name = str(record.get("displayName") or "")[:200]
            member.bio = record["description"][:2000] if isinstance(record.get("description"), str) else ""
        elif collection == "app.bsky.feed.post":
            stats.tweets += _post(did, key, record, batch)
        elif collection in ("app.bsky.feed.repost", "app.bsky.feed.like"):
            subject = record.get("subject") if isinstance(record.get("subject"), dict) else {}
            target, when = post_author(subject.get("uri")), parse_time(record.get("createdAt"))
            if target and when and target != did:
                kind = "repost" if collection == "app.bsky.feed.repost" else "like"
                batch.interactions.append(_interaction(kind, did, target, when, subject["uri"]))
            elif collection == "app.bsky.feed.like":
                stats.likes_skipped += 1
        elif collection == "app.bsky.graph.follow":
            target, when = did_of(record.get("subject")), parse_time(record.get("createdAt"))
            if target and when and target != did:
                batch.interactions.append(_interaction("follow", did, target, when))
                stats.following += 1
        if len(batch) >= chunk_records:
            yield ArchiveChunk(batch, min(done / total, 1.0))
            batch = Batch()
    yield ArchiveChunk(batch, 1.0)
