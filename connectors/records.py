"""The parsed records every connector and importer hands to the ingest path.

A source's parser turns whatever the network returns (API pages, archive files, JSON Lines)
into these plain records; ``connectors.ingest`` stores them. Keeping this contract small and
network-neutral is what lets a new network be added by writing only a client and a parser.
External ids are strings everywhere (X ids overflow JavaScript numbers; Bluesky ids are DIDs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

NETWORKS = ("x", "mastodon", "bluesky", "youtube")
# As shown to people.
NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "youtube": "YouTube"}

POST_KINDS = (
    "post",
    "reply",
    "repost",
    "quote",
    "article",
    "photo",
    "video",
    "comment",
    "check-in",
    "review",
)

# What one identity does to another. "mention" and "follow" need no post; the others
# concern the target's post (or, for reply/quote, the post replied to or quoted).
INTERACTION_KINDS = ("repost", "reply", "quote", "like", "mention", "follow")


@dataclass(slots=True)
class IdentityRecord:
    network: str
    external_id: str
    handle: str = ""
    name: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    verified: bool | None = None
    location: str = ""
    bio: str = ""
    url: str = ""


@dataclass(slots=True)
class PostRecord:
    network: str
    external_id: str
    author_id: str
    created_at: datetime
    kind: str = "post"
    text: str = ""
    language: str = ""
    url: str = ""
    # The post this one replies to, quotes or reposts, when there is one.
    parent_id: str = ""
    reposts: int | None = None
    replies: int | None = None
    likes: int | None = None
    quotes: int | None = None
    views: int | None = None


@dataclass(slots=True)
class InteractionRecord:
    network: str
    kind: str
    actor_id: str
    target_id: str
    occurred_at: datetime
    post_id: str = ""


@dataclass(slots=True)
class Batch:
    """One unit of ingest: stored whole or not at all."""

    identities: list[IdentityRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.identities) + len(self.posts) + len(self.interactions)

    def extend(self, other: Batch) -> None:
        self.identities.extend(other.identities)
        self.posts.extend(other.posts)
        self.interactions.extend(other.interactions)
