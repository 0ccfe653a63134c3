"""X API v2 pages -> record ``Batch`` es for the ingest path.

Pages are the raw JSON dicts the API returns (what :class:`~connectors.twitter.client.XClient`
returns, what twarc writes one per line). Nothing here talks to the network or the database.

Quirks of the API this module works around:

* Fields are only present when requested. A tweet without ``created_at`` still carries
  its time in its id (a "snowflake"); a timeline tweet without ``author_id`` belongs to
  the user whose timeline it is. A tweet whose author cannot be known at all is skipped:
  a post must have an author, and guessing one would credit the wrong person.
* A retweet carries the *original's* public metrics, so counting them on the retweet
  would credit the retweeter with the original's reach; a retweet's counts are dropped.
* A retweet's text, and so its ``entities.mentions``, is the original's; the leading
  @-names of a reply are its addressees. Neither is a mention by the author, so both are
  left out (the repost or reply interaction already says who acted on whom).
* Like and retweet lists (``liking_users``, ``retweeted_by``) say who but not when. Their
  interactions are dated at the post's own time: the honest lower bound, and stable, so
  that seeing the same like on the next sync is recognisably the same like.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.errors import ConnectorError
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

log = logging.getLogger(__name__)

NETWORK = "x"
_TWITTER_EPOCH_MS = 1288834974657
# Priority when a tweet references several others (a reply that also quotes is a reply).
_REFERENCE_KINDS = {"retweeted": "repost", "replied_to": "reply", "quoted": "quote"}
_KIND_PRIORITY = ("retweeted", "replied_to", "quoted")


def snowflake_time(tweet_id: str) -> datetime:
    """When a tweet (id after Nov 2010) was created, read from the id itself."""
    millis = (int(tweet_id) >> 22) + _TWITTER_EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _items(page: Mapping[str, Any], key: str = "data") -> list[dict[str, Any]]:
    value = page.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)]
    raise ConnectorError(f"X page has a {type(value).__name__} under {key!r}", permanent=False)


def _includes(page: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    includes = page.get("includes")
    if not isinstance(includes, dict):
        return []
    return _items(includes, key)


# --- users --------------------------------------------------------------------------------


def identity_from_user(user: Mapping[str, Any]) -> IdentityRecord:
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    handle = user.get("username") or ""
    return IdentityRecord(
        network=NETWORK,
        external_id=user["id"],
        handle=handle,
        name=user.get("name") or "",
        followers=_int(metrics.get("followers_count")),
        following=_int(metrics.get("following_count")),
        posts=_int(metrics.get("tweet_count")),
        listed=_int(metrics.get("listed_count")),
        verified=user["verified"] if isinstance(user.get("verified"), bool) else None,
        location=user.get("location") or "",
        bio=user.get("description") or "",
        url=f"https://x.com/{handle}" if handle else "",
    )


def _identities(users: Iterable[Mapping[str, Any]]) -> list[IdentityRecord]:
    seen: dict[str, IdentityRecord] = {}
    for user in users:
        seen[user["id"]] = identity_from_user(user)
    return list(seen.values())


def parse_users_page(page: Mapping[str, Any]) -> Batch:
    """A user lookup (``/2/users/me``, ``/2/users/:id``, ``/2/users/by``) -> identities."""
    return Batch(identities=_identities([*_items(page), *_includes(page, "users")]))


# --- tweets -------------------------------------------------------------------------------


def parse_tweets_page(
    page: Mapping[str, Any],
    *,
    author_id: str | None = None,
    known_authors: Mapping[str, str] | None = None,
) -> Batch:
    """A page of tweets (timeline, mentions, quote tweets, search) -> identities, posts, interactions.

    ``author_id`` is the timeline owner, for tweets that do not carry ``author_id``;
    ``known_authors`` maps tweet ids to their authors for referenced tweets that the page
    does not include (the quote tweets of *our* post: we know who wrote it).
    """
    users = _includes(page, "users")
    tweets = _items(page)
    included_tweets = _includes(page, "tweets")

    authors: dict[str, str] = dict(known_authors or {})
    for tweet in [*included_tweets, *tweets]:
        if isinstance(tweet.get("author_id"), str):
            authors[tweet["id"]] = tweet["author_id"]
    handles = {str(u.get("username", "")).lower(): u["id"] for u in users if u.get("username")}
    usernames = {u["id"]: u.get("username") or "" for u in users}

    batch = Batch(identities=_identities(users))
    seen_posts: set[str] = set()
    skipped = 0
    for tweet, is_primary in [*((t, True) for t in tweets), *((t, False) for t in included_tweets)]:
        if tweet["id"] in seen_posts:
            continue
        author = tweet.get("author_id") if isinstance(tweet.get("author_id"), str) else None
        author = author or (author_id if is_primary else None)
        if author is None:
            skipped += 1
            continue
        seen_posts.add(tweet["id"])
        post = _post(tweet, author=author, username=usernames.get(author, ""))
        batch.posts.append(post)
        # Included tweets are context (what was replied to or quoted); only the page's own
        # tweets are acts whose interactions we know in full.
        if is_primary:
            batch.interactions.extend(_interactions(tweet, post=post, authors=authors, handles=handles))
    if skipped:
        log.info("skipped %d X tweets whose author the page does not say", skipped)
    return batch


def _references(tweet: Mapping[str, Any]) -> dict[str, str]:
    refs = tweet.get("referenced_tweets")
    found: dict[str, str] = {}
    if isinstance(refs, list):
        for ref in refs:
            if (
                isinstance(ref, dict)
                and ref.get("type") in _REFERENCE_KINDS
                and isinstance(ref.get("id"), str)
            ):
                found.setdefault(ref["type"], ref["id"])
    return found


def _post(tweet: Mapping[str, Any], *, author: str, username: str) -> PostRecord:
    refs = _references(tweet)
    ref_type = next((t for t in _KIND_PRIORITY if t in refs), None)
    kind = _REFERENCE_KINDS[ref_type] if ref_type else "post"
    metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) else {}
    if kind == "repost":
        metrics = {}  # the original's counts, not this retweet's (see module docstring)
    language = tweet.get("lang") or ""
    return PostRecord(
        network=NETWORK,
        external_id=tweet["id"],
        author_id=author,
        created_at=_time(tweet.get("created_at")) or snowflake_time(tweet["id"]),
        kind=kind,
        text=tweet.get("text") or "",
        language="" if language == "und" else language,
        url=f"https://x.com/{username or 'i/web'}/status/{tweet['id']}",
        parent_id=refs[ref_type] if ref_type else "",
        reposts=_int(metrics.get("retweet_count")),
        replies=_int(metrics.get("reply_count")),
        likes=_int(metrics.get("like_count")),
        quotes=_int(metrics.get("quote_count")),
        views=_int(metrics.get("impression_count")),
    )


def _interactions(
    tweet: Mapping[str, Any], *, post: PostRecord, authors: Mapping[str, str], handles: Mapping[str, str]
) -> list[InteractionRecord]:
    actor = post.author_id
    found: list[InteractionRecord] = []
    acted_on: set[str] = set()
    refs = _references(tweet)
    for ref_type, ref_id in refs.items():
        target = authors.get(ref_id)
        if ref_type == "replied_to" and isinstance(tweet.get("in_reply_to_user_id"), str):
            target = tweet["in_reply_to_user_id"]
        if target is None:
            continue
        acted_on.add(target)
        if target != actor:
            found.append(_interaction(_REFERENCE_KINDS[ref_type], actor, target, post.created_at, ref_id))
    if "retweeted" in refs:
        return found
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    mentions = entities.get("mentions") if isinstance(entities.get("mentions"), list) else []
    for mention in mentions:
        if not isinstance(mention, dict):
            continue
        target = mention.get("id") or handles.get(str(mention.get("username", "")).lower())
        if not isinstance(target, str) or target == actor or target in acted_on:
            continue
        acted_on.add(target)
        found.append(_interaction("mention", actor, target, post.created_at, post.external_id))
    return found


def _interaction(kind: str, actor: str, target: str, when: datetime, post_id: str) -> InteractionRecord:
    return InteractionRecord(
        network=NETWORK, kind=kind, actor_id=actor, target_id=target, occurred_at=when, post_id=post_id
    )


# --- engagement lists ---------------------------------------------------------------------


def parse_engagement_page(
    page: Mapping[str, Any], *, kind: str, post_id: str, post_author_id: str, post_created_at: datetime
) -> Batch:
    """A ``liking_users`` (kind "like") or ``retweeted_by`` (kind "repost") page of one post."""
    if kind not in ("like", "repost"):
        raise ValueError(f"engagement kind must be like or repost, not {kind!r}")
    users = [*_items(page), *_includes(page, "users")]
    batch = Batch(identities=_identities(users))
    for user in _items(page):
        if user["id"] != post_author_id:
            batch.interactions.append(
                _interaction(kind, user["id"], post_author_id, post_created_at, post_id)
            )
    return batch


def next_token(page: Mapping[str, Any]) -> str | None:
    meta = page.get("meta")
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return token if isinstance(token, str) and token else None


def newest_id(page: Mapping[str, Any]) -> str | None:
    meta = page.get("meta")
    value = meta.get("newest_id") if isinstance(meta, dict) else None
    return value if isinstance(value, str) and value else None
