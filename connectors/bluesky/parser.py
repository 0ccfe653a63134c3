"""Pure functions from the Bluesky AppView's JSON to records: no Django, no network.

- An account's id is its DID (``records.external_id_canonical``); its handle is kept beside it.
- A post's id is its ``at://`` URI; the author of any post is the DID in its URI.
- A feed item with a ``reasonRepost`` is the account reposting someone's post; a post whose
  record has ``reply.parent`` is a reply to that parent's author; an embedded record
  (``app.bsky.embed.record``, or with media) is a quote of it; a mention facet is a mention.
- Likes carry their own time (``createdAt``); reposts come without one and are dated at the
  post, as X's and Mastodon's lists are.

The AppView indexes the whole network, as X's API does: what it says of any account stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from connectors.json_values import as_dict, count, parse_time
from connectors.records import (
    Batch,
    ExternalIdError,
    IdentityRecord,
    InteractionRecord,
    PostRecord,
    external_id_canonical,
)

NETWORK = "bluesky"
_HANDLE = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
_URI = re.compile(r"^at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]{1,64})$")


def did_of(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("did:"):
        return None
    try:
        return external_id_canonical(network=NETWORK, external_id=value)
    except ExternalIdError:
        return None


def post_author(uri: Any) -> str | None:
    """The DID of the author of the post ``uri``, when it is a post's URI."""
    found = _URI.match(uri) if isinstance(uri, str) else None
    return did_of(found.group(1)) if found else None


def profile_record(profile: Mapping[str, Any]) -> IdentityRecord | None:
    did = did_of(profile.get("did"))
    if did is None:
        return None
    handle = profile.get("handle") if isinstance(profile.get("handle"), str) else ""
    return IdentityRecord(
        network=NETWORK,
        external_id=did,
        handle="" if handle == "handle.invalid" else handle[:200],
        name=str(profile.get("displayName") or "")[:200],
        followers=count(profile.get("followersCount")),
        following=count(profile.get("followsCount")),
        posts=count(profile.get("postsCount")),
        bio=profile.get("description")[:2000] if isinstance(profile.get("description"), str) else "",
    )


def parse_profile(profile: Mapping[str, Any]) -> Batch:
    record = profile_record(profile)
    return Batch(identities=[record] if record else [])


class _Collector:
    def __init__(self) -> None:
        self.batch = Batch()
        self._identities: set[str] = set()
        self._posts: set[str] = set()

    def identity(self, profile: Any) -> str | None:
        record = profile_record(as_dict(profile))
        if record is None:
            return None
        if record.external_id not in self._identities:
            self._identities.add(record.external_id)
            self.batch.identities.append(record)
        return record.external_id

    def bare(self, did: str) -> None:
        if did not in self._identities:
            self._identities.add(did)
            self.batch.identities.append(IdentityRecord(network=NETWORK, external_id=did))

    def interaction(self, kind: str, actor: str, target: str, when: datetime, post_id: str) -> None:
        if actor != target:
            self.bare(target)
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

    def post(self, view: Any) -> PostRecord | None:
        """A post view: the post, its author, and what it did to others."""
        view = as_dict(view)
        uri, record = view.get("uri"), as_dict(view.get("record"))
        author = self.identity(view.get("author"))
        created = parse_time(record.get("createdAt")) or parse_time(view.get("indexedAt"))
        if post_author(uri) is None or author != post_author(uri) or created is None:
            return None
        parent = as_dict(as_dict(record.get("reply")).get("parent")).get("uri")
        quoted = quoted_uri(record)
        kind = "reply" if post_author(parent) else "quote" if post_author(quoted) else "post"
        langs = record.get("langs") if isinstance(record.get("langs"), list) else []
        handle = as_dict(view.get("author")).get("handle")
        shown = handle if isinstance(handle, str) and _HANDLE.match(handle) else author
        rkey = uri.rsplit("/", 1)[-1]
        post = PostRecord(
            network=NETWORK,
            external_id=uri,
            author_id=author,
            created_at=created,
            kind=kind,
            text=record.get("text")[:5000] if isinstance(record.get("text"), str) else "",
            language=langs[0][:16] if langs and isinstance(langs[0], str) else "",
            url=f"https://bsky.app/profile/{shown}/post/{rkey}",
            parent_id=(parent if post_author(parent) else quoted if post_author(quoted) else "") or "",
            reposts=count(view.get("repostCount")),
            replies=count(view.get("replyCount")),
            likes=count(view.get("likeCount")),
            quotes=count(view.get("quoteCount")),
        )
        if uri in self._posts:
            return post
        self._posts.add(uri)
        self.batch.posts.append(post)
        acted_on = {author}
        if post_author(parent):
            acted_on.add(post_author(parent))
            self.interaction("reply", author, post_author(parent), created, parent)
        if post_author(quoted):
            acted_on.add(post_author(quoted))
            self.interaction("quote", author, post_author(quoted), created, quoted)
        for did in mentioned_dids(record):
            if did not in acted_on:
                acted_on.add(did)
                self.interaction("mention", author, did, created, uri)
        return post


def quoted_uri(record: Mapping[str, Any]) -> str | None:
    embed = as_dict(record.get("embed"))
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        embed = as_dict(embed.get("record"))
    if embed.get("$type") != "app.bsky.embed.record":
        return None
    uri = as_dict(embed.get("record")).get("uri")
    return uri if post_author(uri) else None


def mentioned_dids(record: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for facet in record.get("facets") if isinstance(record.get("facets"), list) else []:
        features = as_dict(facet).get("features")
        for feature in features if isinstance(features, list) else []:
            feature = as_dict(feature)
            did = (
                did_of(feature.get("did"))
                if feature.get("$type") == "app.bsky.richtext.facet#mention"
                else None
            )
            if did and did not in found:
                found.append(did)
    return found


def parse_feed(items: Iterable[Any]) -> Batch:
    """A page of an author feed: their posts and replies, and what they reposted."""
    collector = _Collector()
    for item in items:
        item = as_dict(item)
        post = collector.post(item.get("post"))
        reason = as_dict(item.get("reason"))
        if post is None or reason.get("$type") != "app.bsky.feed.defs#reasonRepost":
            continue
        by = collector.identity(reason.get("by"))
        when = parse_time(reason.get("indexedAt")) or post.created_at
        if by is not None:
            collector.interaction("repost", by, post.author_id, when, post.external_id)
    return collector.batch


def parse_likes(
    likes: Iterable[Any], *, post_id: str, post_author_id: str, post_created_at: datetime
) -> Batch:
    collector = _Collector()
    for like in likes:
        like = as_dict(like)
        actor = collector.identity(like.get("actor"))
        if actor is not None:
            when = parse_time(like.get("createdAt")) or post_created_at
            collector.interaction("like", actor, post_author_id, when, post_id)
    return collector.batch


def parse_reposted_by(
    actors: Iterable[Any], *, post_id: str, post_author_id: str, post_created_at: datetime
) -> Batch:
    collector = _Collector()
    for profile in actors:
        actor = collector.identity(profile)
        if actor is not None:
            collector.interaction("repost", actor, post_author_id, post_created_at, post_id)
    return collector.batch


def parse_posts(views: Iterable[Any]) -> Batch:
    """Post views (the quotes of a post)."""
    collector = _Collector()
    for view in views:
        collector.post(view)
    return collector.batch


MAX_THREAD_POSTS = 2000


def _replies(node: Mapping[str, Any]) -> list[dict]:
    replies = node.get("replies")
    return [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []


def parse_thread(thread: Any) -> Batch:
    """The replies under a post (``getPostThread``'s ``thread``), at every depth read."""
    collector = _Collector()
    pending, seen = _replies(as_dict(thread)), 0
    while pending and seen < MAX_THREAD_POSTS:
        node = pending.pop()
        seen += 1
        if node.get("$type", "app.bsky.feed.defs#threadViewPost") != "app.bsky.feed.defs#threadViewPost":
            continue  # a blocked or deleted reply
        collector.post(node.get("post"))
        pending.extend(_replies(node))
    return collector.batch
