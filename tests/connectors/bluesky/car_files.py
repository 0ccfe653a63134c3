"""Bluesky repository exports (.car) for tests, built as the PDS builds them: DAG-CBOR blocks
addressed by their CIDs, a commit, and a Merkle search tree of record keys. The records are the
real recorded ones of ``../shared/fixtures/bluesky/sdk-test-data`` (test.marshal.dev's post and
like records), with a reply, a repost and a follow of other recorded accounts beside them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import libipld

from tests.connectors.bluesky.fake_bluesky import DATA, FakeBluesky


@dataclass(frozen=True)
class Link:
    cid: bytes


def _cid(data: bytes) -> bytes:
    return bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(data).digest()  # CIDv1, dag-cbor, sha-256


def _links(value, found: list[bytes]):
    if isinstance(value, Link):
        found.append(value.cid)
        return b"\x00" + value.cid
    if isinstance(value, dict):
        return {k: _links(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_links(v, found) for v in value]
    return value


def encode(value) -> bytes:
    """DAG-CBOR, with each ``Link`` as a CID link (tag 42), which libipld only decodes."""
    found: list[bytes] = []
    data = libipld.encode_dag_cbor(_links(value, found))
    for cid in found:
        marker = bytes([0x58, len(cid) + 1, 0x00]) + cid
        data = data.replace(marker, b"\xd8\x2a" + marker)
    return data


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _record(name: str) -> dict:
    return json.loads((DATA / name).read_text())["value"]


def repo_records() -> dict[str, dict]:
    fake = FakeBluesky()
    fan = fake.fans[0]["did"]
    parent = {"uri": f"at://{fan}/app.bsky.feed.post/3kparent", "cid": "x"}
    return {
        "app.bsky.actor.profile/self": {
            "$type": "app.bsky.actor.profile",
            "displayName": "Python SDK",
            "description": "Testing the SDK",
        },
        "app.bsky.feed.post/3k2yihcrp6f2c": _record("post_record.json"),
        "app.bsky.feed.post/3k2yinh52ne2x": _record("extended_post_record.json"),
        "app.bsky.feed.post/3k2yreply0001": {
            "$type": "app.bsky.feed.post",
            "text": "Thanks!",
            "createdAt": "2024-02-23T10:00:00Z",
            "reply": {"parent": parent, "root": parent},
        },
        "app.bsky.feed.like/3k5u7c7j7a52v": _record("like_record.json"),  # of one's own post
        "app.bsky.feed.like/3k5u7like0002": {
            "$type": "app.bsky.feed.like",
            "createdAt": "2024-02-23T11:00:00Z",
            "subject": parent,
        },
        "app.bsky.feed.repost/3k5urepost001": {
            "$type": "app.bsky.feed.repost",
            "createdAt": "2024-02-23T12:00:00Z",
            "subject": parent,
        },
        "app.bsky.graph.follow/3k5ufollow001": {
            "$type": "app.bsky.graph.follow",
            "createdAt": "2024-02-20T12:00:00Z",
            "subject": fake.fans[1]["did"],
        },
    }


def build_car(path: Path, *, did: str | None = None, records: dict[str, dict] | None = None) -> Path:
    did = did or FakeBluesky().did
    blocks: list[tuple[bytes, bytes]] = []

    def put(value) -> Link:
        data = encode(value)
        cid = _cid(data)
        blocks.append((cid, data))
        return Link(cid)

    entries, previous = [], b""
    for key in sorted(records if records is not None else repo_records()):
        value = (records if records is not None else repo_records())[key]
        raw = key.encode()
        common = 0
        while common < min(len(raw), len(previous)) and raw[common] == previous[common]:
            common += 1
        entries.append({"p": common, "k": raw[common:], "v": put(value), "t": None})
        previous = raw
    tree = put({"l": None, "e": entries})
    commit = put({"did": did, "version": 3, "data": tree, "rev": "3kaaaaaaaaaaa", "sig": b"\x00" * 64})
    header = encode({"roots": [commit], "version": 1})
    with path.open("wb") as out:
        out.write(_varint(len(header)) + header)
        for cid, data in blocks:
            out.write(_varint(len(cid) + len(data)) + cid + data)
    return path
