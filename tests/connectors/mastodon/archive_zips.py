"""Mastodon archives for tests, in the format Mastodon's BackupService writes (ActivityPub JSON:
``actor.json``, ``outbox.json``, ``likes.json``, ``bookmarks.json``), made from the statuses of
the recorded server (``fake_mastodon``): their ids, texts, times, replies and mentions."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.connectors.mastodon.fake_mastodon import CASSETTES, HOME, _bodies

ACTOR = f"https://{HOME}/users/mastodonpy_test"
CONTEXT = ["https://www.w3.org/ns/activitystreams", {"Hashtag": "as:Hashtag"}]


def _note(status: dict, *, in_reply_to: str | None = None, mentions: tuple[str, ...] = ()) -> dict:
    uri = f"{ACTOR}/statuses/{status['id']}"
    return {
        "id": f"{uri}/activity",
        "type": "Create",
        "actor": ACTOR,
        "published": status["created_at"],
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": uri,
            "type": "Note",
            "inReplyTo": in_reply_to,
            "published": status["created_at"],
            "url": f"https://{HOME}/@mastodonpy_test/{status['id']}",
            "attributedTo": ACTOR,
            "content": status["content"],
            "tag": [{"type": "Mention", "href": h, "name": "@" + h.rsplit("/", 1)[-1]} for h in mentions],
        },
    }


def archive_activities(*, recent: bool = False) -> list[dict]:
    """Ten recorded posts, one a reply to and mention of another account, and one boost;
    ``recent`` dates them in the last ten days instead of their recorded day (months ago,
    outside the score's 90-day window)."""
    posted = [b for m, uri, b in _bodies(CASSETTES / "test_fetch_next_previous.yaml") if m == "POST"]
    if recent:
        now = datetime.now(UTC)
        posted = [
            {**status, "created_at": (now - timedelta(days=n + 1)).isoformat().replace("+00:00", "Z")}
            for n, status in enumerate(posted)
        ]
    items = [_note(status) for status in posted[:8]]
    other = "https://mastodon.social/users/halcy"
    items.append(_note(posted[8], in_reply_to=f"{other}/statuses/110446983926957470", mentions=(other,)))
    items.append(_note(posted[9], mentions=(f"https://{HOME}/users/admin",)))
    items.append(
        {
            "id": f"{ACTOR}/statuses/1/activity",
            "type": "Announce",
            "actor": ACTOR,
            "published": posted[0]["created_at"],
            "object": "https://mastodon.social/users/Gargron/statuses/109000000000000000",
        }
    )
    return items


def build_mastodon_archive(
    path: Path, *, outbox: str | None = None, actor: dict | None = None, recent: bool = False
) -> Path:
    outbox_doc = {
        "@context": CONTEXT,
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": 11,
        "orderedItems": archive_activities(recent=recent),
    }
    likes = {"@context": CONTEXT, "id": "likes.json", "type": "OrderedCollection", "orderedItems": [
        "https://mastodon.social/users/halcy/statuses/110446984249325790",
        f"{ACTOR}/statuses/42",  # one's own: not a reaction to anyone
    ]}  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("outbox.json", outbox if outbox is not None else json.dumps(outbox_doc))
        archive.writestr(
            "actor.json",
            json.dumps(actor or {"@context": CONTEXT, "id": ACTOR, "type": "Person",
                                 "preferredUsername": "mastodonpy_test", "name": "John Lennon",
                                 "summary": "<p>I walk funny</p>"}),
        )  # fmt: skip
        archive.writestr("likes.json", json.dumps(likes))
        archive.writestr("bookmarks.json", json.dumps({**likes, "id": "bookmarks.json"}))
    return path
