"""Pure functions from the Foursquare API v2's JSON to records: no Django, no network.

- The member is a Foursquare user (a numeric id); their friends are their audience.
- A check-in is a post of kind ``check-in``: its text is the venue and the shout, its counts the
  likes and comments Foursquare gives. The friends who liked it are named (``likes.groups``):
  each is the actor of a like, dated at the check-in (Foursquare dates no like).
- The people the member checked in ``with`` are mentioned by them.
- A tip (what the member wrote of a venue) is a post of kind ``review``, with its likes; the
  tips a check-in carries (``posts``) too.
- Only the member's own check-ins and tips are read: an item of another user is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.json_values import as_dict, count
from connectors.records import PLAUSIBLE_YEARS, Batch, IdentityRecord, InteractionRecord, PostRecord

NETWORK = "foursquare"
_USER = re.compile(r"^[0-9]{1,20}$")
_ITEM = re.compile(r"^[0-9a-f]{24}$")


def user_id_valid(value: Any) -> bool:
    return isinstance(value, str) and bool(_USER.match(value))


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        moment = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if moment.year in PLAUSIBLE_YEARS else None


def _name(user: Mapping[str, Any]) -> str:
    parts = (user.get("firstName"), user.get("lastName"))
    return " ".join(p for p in parts if isinstance(p, str) and p.strip())[:200]


def user_record(user: Mapping[str, Any]) -> IdentityRecord | None:
    user_id = user.get("id")
    if not user_id_valid(user_id):
        return None
    handle = user.get("handle")
    home = user.get("homeCity")
    return IdentityRecord(
        network=NETWORK,
        external_id=user_id,
        handle=handle[:100] if isinstance(handle, str) else "",
        name=_name(user),
        followers=count(as_dict(user.get("friends")).get("count")),
        posts=count(as_dict(user.get("checkins")).get("count")),
        bio=user["bio"][:2000] if isinstance(user.get("bio"), str) else "",
        location=home[:255] if isinstance(home, str) else "",
        url=f"https://foursquare.com/user/{user_id}",
    )


def parse_me(response: Mapping[str, Any]) -> Batch:
    record = user_record(as_dict(response.get("user")))
    return Batch(identities=[record] if record else [])


def checkin_items(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = as_dict(response.get("checkins")).get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def checkin_time(item: Mapping[str, Any]) -> int | None:
    created = item.get("createdAt")
    return created if _epoch(created) is not None else None


class _Collector:
    def __init__(self, member_id: str) -> None:
        self.member_id = member_id
        self.batch = Batch()
        self._people: set[str] = set()

    def person(self, user: Any) -> str | None:
        record = user_record(as_dict(user))
        if record is None:
            return None
        if record.external_id not in self._people and record.external_id != self.member_id:
            self._people.add(record.external_id)
            # Only what a check-in says of a friend: their name, not their counts.
            self.batch.identities.append(
                IdentityRecord(
                    network=NETWORK, external_id=record.external_id, name=record.name, url=record.url
                )
            )
        return record.external_id

    def interaction(self, kind: str, actor: str, target: str, when: datetime, post_id: str = "") -> None:
        if actor != target:
            self.batch.interactions.append(
                InteractionRecord(
                    network=NETWORK,
                    kind=kind,
                    actor_id=actor,
                    target_id=target,
                    occurred_at=when,
                    post_id=post_id,
                )
            )

    def tip(self, tip: Any, *, when: datetime | None = None) -> None:
        tip = as_dict(tip)
        tip_id = tip.get("contentId") or tip.get("id")
        created = _epoch(tip.get("createdAt")) or when
        text = tip.get("text")
        author = as_dict(tip.get("user")).get("id", self.member_id)
        if (
            not isinstance(tip_id, str)
            or not _ITEM.match(tip_id)
            or created is None
            or author != self.member_id
        ):
            return
        self.batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=f"tip:{tip_id}",
                author_id=self.member_id,
                created_at=created,
                kind="review",
                text=text.strip()[:5000] if isinstance(text, str) else "",
                likes=count(as_dict(tip.get("likes")).get("count")),
                url=f"https://foursquare.com/item/{tip_id}",
            )
        )


def parse_checkins(response: Mapping[str, Any], *, member_id: str) -> Batch:
    """The member's check-ins of a ``/users/self/checkins`` page, who liked each, whom they were with."""
    collector = _Collector(member_id)
    for item in checkin_items(response):
        checkin_id, created = item.get("id"), _epoch(item.get("createdAt"))
        owner = as_dict(item.get("user")).get("id", member_id)
        if (
            not isinstance(checkin_id, str)
            or not _ITEM.match(checkin_id)
            or created is None
            or owner != member_id
        ):
            continue
        venue = as_dict(item.get("venue")).get("name")
        shout = item.get("shout")
        text = " \u2014 ".join(
            t.strip()
            for t in (
                f"at {venue}" if isinstance(venue, str) else "",
                shout if isinstance(shout, str) else "",
            )
            if t.strip()
        )
        likes = as_dict(item.get("likes"))
        collector.batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=checkin_id,
                author_id=member_id,
                created_at=created,
                kind="check-in",
                text=text[:5000],
                likes=count(likes.get("count")),
                replies=count(as_dict(item.get("comments")).get("count")),
                url=f"https://foursquare.com/user/{member_id}/checkin/{checkin_id}",
            )
        )
        for group in likes.get("groups") or []:
            for liker in as_dict(group).get("items") or []:
                actor = collector.person(liker)
                if actor:
                    collector.interaction("like", actor, member_id, created, checkin_id)
        for companion in item.get("with") or []:
            friend = collector.person(companion)
            if friend:
                collector.interaction("mention", member_id, friend, created)
        for tip in as_dict(item.get("posts")).get("items") or []:
            collector.tip(tip, when=created)
    return collector.batch


def parse_tips(response: Mapping[str, Any], *, member_id: str) -> Batch:
    collector = _Collector(member_id)
    items = as_dict(response.get("tips")).get("items")
    for tip in items if isinstance(items, list) else []:
        collector.tip(tip)
    return collector.batch


def tip_items(response: Mapping[str, Any]) -> int:
    items = as_dict(response.get("tips")).get("items")
    return len(items) if isinstance(items, list) else 0
