"""Pure functions from the Graph API's Page JSON to records: no Django, no network.

- A Page's id is its number; its followers (``followers_count``, else ``fan_count``) are its
  audience.
- A Page post is a post (``photo`` or ``video`` when ``status_type`` says so) with its
  reactions, comments and shares counts (``summary.total_count``, ``shares.count``): Meta names
  none of the people behind them on a Page's posts, so those are the post's public counts.
- A comment whose author the API names (``from``, given to the Page's own token with
  ``pages_read_user_content``) is a post of kind ``comment`` and a reply of its author to the
  Page; without ``from`` it is only counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.json_values import as_dict, count, parse_time
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

NETWORK = "facebook"
_ID = re.compile(r"^[0-9]{1,25}$")
POST_ID = re.compile(r"^[0-9]{1,25}_[0-9]{1,25}$")
KINDS = {"added_photos": "photo", "added_video": "video"}


def page_record(page: Mapping[str, Any]) -> IdentityRecord | None:
    page_id = page.get("id")
    if not isinstance(page_id, str) or not _ID.match(page_id):
        return None
    link = page.get("link")
    followers = count(page.get("followers_count"))
    return IdentityRecord(
        network=NETWORK,
        external_id=page_id,
        handle=str(page.get("username") or "")[:100],
        name=str(page.get("name") or "")[:200],
        followers=followers if followers is not None else count(page.get("fan_count")),
        bio=str(page.get("about") or page.get("description") or "")[:2000],
        verified=page["verification_status"] == "blue_verified"
        if isinstance(page.get("verification_status"), str)
        else None,
        url=link
        if isinstance(link, str) and link.startswith("https://www.facebook.com/")
        else f"https://www.facebook.com/{page_id}",
    )


def parse_page(page: Mapping[str, Any]) -> Batch:
    record = page_record(page)
    return Batch(identities=[record] if record else [])


def post_items(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = page.get("data")
    if not isinstance(items, list):
        return []
    return [
        i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str) and POST_ID.match(i["id"])
    ]


def _total(value: Any) -> int | None:
    return count(as_dict(as_dict(value).get("summary")).get("total_count"))


def parse_posts(page: Mapping[str, Any], *, page_id: str) -> Batch:
    """The Page's own posts of a ``/{page-id}/posts`` page, with their counts."""
    batch = Batch()
    for item in post_items(page):
        created = parse_time(item.get("created_time"))
        if created is None or not item["id"].startswith(f"{page_id}_"):
            continue
        permalink = item.get("permalink_url")
        batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=item["id"],
                author_id=page_id,
                created_at=created,
                kind=KINDS.get(str(item.get("status_type")), "post"),
                text=str(item.get("message") or "")[:5000],
                url=permalink
                if isinstance(permalink, str) and permalink.startswith("https://www.facebook.com/")
                else "",
                likes=_total(item.get("reactions")),
                replies=_total(item.get("comments")),
                reposts=count(as_dict(item.get("shares")).get("count")),
            )
        )
    return batch


def parse_comments(page: Mapping[str, Any], *, post_id: str, page_id: str) -> Batch:
    """A ``/{post-id}/comments`` page: the comments whose authors are named, as replies."""
    batch, people = Batch(), set()
    for item in page.get("data") or []:
        comment = as_dict(item)
        author = as_dict(comment.get("from"))
        author_id, created = author.get("id"), parse_time(comment.get("created_time"))
        comment_id = comment.get("id")
        if not isinstance(author_id, str) or not _ID.match(author_id) or created is None:
            continue
        if not isinstance(comment_id, str) or not re.match(r"^[0-9_]{1,60}$", comment_id):
            continue
        if author_id not in people and author_id != page_id:
            people.add(author_id)
            batch.identities.append(
                IdentityRecord(
                    network=NETWORK, external_id=author_id, name=str(author.get("name") or "")[:200]
                )
            )
        batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=comment_id,
                author_id=author_id,
                created_at=created,
                kind="comment",
                text=str(comment.get("message") or "")[:5000],
                parent_id=post_id,
                likes=count(comment.get("like_count")),
                replies=count(comment.get("comment_count")),
            )
        )
        if author_id != page_id:
            batch.interactions.append(
                InteractionRecord(
                    network=NETWORK,
                    kind="reply",
                    actor_id=author_id,
                    target_id=page_id,
                    occurred_at=created,
                    post_id=post_id,
                )
            )
    return batch
