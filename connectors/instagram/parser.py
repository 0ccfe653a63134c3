"""Pure functions from the Instagram Graph API's JSON to records: no Django, no network.

- A professional account's id is its Instagram user id (a number); the API names the people who
  comment only by their username, so they enter under it (``records.external_id_canonical``
  keeps an Instagram id in either form, and an opt-out tombstones both).
- A medium is a post: an image or a carousel of kind ``photo``, a video or a reel of kind
  ``video``, with its like and comment counts. Who liked it Instagram never says: those are the
  post's public counts.
- A comment on the member's medium is a post of kind ``comment`` by its author and a reply of
  theirs to the member; a reply in its thread is a reply to the comment's author. The member's
  own comments and replies are the member's (by their username).
- A medium of another account in which the member is tagged is that account's mention of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.json_values import as_dict, count, parse_time
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

NETWORK = "instagram"
_ID = re.compile(r"^[0-9]{1,25}$")
_USERNAME = re.compile(r"^[A-Za-z0-9._]{1,30}$")
KINDS = {"IMAGE": "photo", "CAROUSEL_ALBUM": "photo", "VIDEO": "video", "REELS": "video"}


def id_valid(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID.match(value))


def username_of(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) and _USERNAME.match(value) else None


def user_record(user: Mapping[str, Any]) -> IdentityRecord | None:
    """A professional account (an ``IG User``), or None when it names none."""
    if not id_valid(user.get("id")) or username_of(user.get("username")) is None:
        return None
    username = user["username"]
    return IdentityRecord(
        network=NETWORK,
        external_id=user["id"],
        handle=username,
        name=str(user.get("name") or "")[:200],
        followers=count(user.get("followers_count")),
        following=count(user.get("follows_count")),
        posts=count(user.get("media_count")),
        bio=str(user.get("biography") or "")[:2000],
        url=f"https://www.instagram.com/{username}/",
    )


def parse_user(user: Mapping[str, Any]) -> Batch:
    record = user_record(user)
    return Batch(identities=[record] if record else [])


def media_items(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = page.get("data")
    return (
        [i for i in items if isinstance(i, dict) and id_valid(i.get("id"))] if isinstance(items, list) else []
    )


def parse_media(page: Mapping[str, Any], *, member_id: str) -> Batch:
    """The member's media of a ``/{ig-user-id}/media`` page, with their counts."""
    batch = Batch()
    for item in media_items(page):
        created = parse_time(item.get("timestamp"))
        owner = as_dict(item.get("owner")).get("id", member_id)
        if created is None or owner != member_id:
            continue
        kind = KINDS.get(
            str(item.get("media_product_type") or ""), KINDS.get(str(item.get("media_type")), "photo")
        )
        permalink = item.get("permalink")
        batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=item["id"],
                author_id=member_id,
                created_at=created,
                kind=kind,
                text=str(item.get("caption") or "")[:5000],
                url=permalink
                if isinstance(permalink, str) and permalink.startswith("https://www.instagram.com/")
                else "",
                likes=count(item.get("like_count")),
                replies=count(item.get("comments_count")),
            )
        )
    return batch


class _Comments:
    def __init__(self, *, member_id: str, member_username: str) -> None:
        self.member_id, self.member_username = member_id, member_username.lower()
        self.batch = Batch()
        self._people: set[str] = set()

    def author(self, comment: Mapping[str, Any]) -> str | None:
        username = username_of(comment.get("username"))
        if username is None:
            return None
        if username == self.member_username:
            return self.member_id
        if username not in self._people:
            self._people.add(username)
            self.batch.identities.append(
                IdentityRecord(
                    network=NETWORK,
                    external_id=username,
                    handle=username,
                    url=f"https://www.instagram.com/{username}/",
                )
            )
        return username

    def comment(self, comment: Any, *, parent: str, answered: str) -> str | None:
        comment = as_dict(comment)
        author, created = self.author(comment), parse_time(comment.get("timestamp"))
        if author is None or created is None or not id_valid(comment.get("id")):
            return None
        self.batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=comment["id"],
                author_id=author,
                created_at=created,
                kind="comment",
                text=str(comment.get("text") or "")[:5000],
                parent_id=parent,
                likes=count(comment.get("like_count")),
            )
        )
        if author != answered:
            self.batch.interactions.append(
                InteractionRecord(
                    network=NETWORK,
                    kind="reply",
                    actor_id=author,
                    target_id=answered,
                    occurred_at=created,
                    post_id=parent,
                )
            )
        return author


def parse_comments(page: Mapping[str, Any], *, media_id: str, member_id: str, member_username: str) -> Batch:
    """A ``/{ig-media-id}/comments`` page (with ``replies``): replies to the member, and in each
    thread, replies to the comment's author."""
    comments = _Comments(member_id=member_id, member_username=member_username)
    for item in page.get("data") or []:
        author = comments.comment(item, parent=media_id, answered=member_id)
        if author is None:
            continue
        for reply in as_dict(as_dict(item).get("replies")).get("data") or []:
            comments.comment(reply, parent=item["id"], answered=author)
    return comments.batch


def parse_tags(page: Mapping[str, Any], *, member_id: str) -> Batch:
    """Media of other accounts in which the member is tagged (``/{ig-user-id}/tags``): mentions."""
    batch, seen = Batch(), set()
    for item in media_items(page):
        owner, created = username_of(item.get("username")), parse_time(item.get("timestamp"))
        if owner is None or created is None:
            continue
        if owner not in seen:
            seen.add(owner)
            batch.identities.append(
                IdentityRecord(
                    network=NETWORK,
                    external_id=owner,
                    handle=owner,
                    url=f"https://www.instagram.com/{owner}/",
                )
            )
        batch.interactions.append(
            InteractionRecord(
                network=NETWORK, kind="mention", actor_id=owner, target_id=member_id, occurred_at=created
            )
        )
    return batch
