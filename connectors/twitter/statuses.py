"""X's v1.1 status (tweet) and user objects.

An archive's ``tweets.js`` holds v1.1 statuses, without their author; the v1.1 API, and the
tools that saved its output (twarc 1, twitter-to-sqlite), give each status its author as a
``user`` object. Both come through ``status_records``.
"""

from __future__ import annotations

from datetime import datetime

from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

NETWORK = "x"


class StatusError(ValueError):
    """A status that cannot be read; the message says why and can be shown as is."""


def _count(value: object) -> int | None:
    """Counts in the archive are strings ("12"); anything else is treated as unknown."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _digits(value: object) -> str:
    """An id as X writes it, ASCII digits (or a number), else ""."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value if isinstance(value, str) and value.isascii() and value.isdigit() else ""


def status_records(tweet: dict, *, author_id: str, handle: str, batch: Batch) -> None:
    """Add the records one status says to ``batch``: the post, the identities it mentions,
    and its repost, reply, quote and mention interactions. Raises ``StatusError``."""
    tweet_id = _digits(tweet.get("id_str")) or _digits(tweet.get("id"))
    try:
        created_at = datetime.strptime(tweet.get("created_at", ""), "%a %b %d %H:%M:%S %z %Y")
    except (TypeError, ValueError):
        raise StatusError(f"tweet {tweet_id or '?'} has no readable created_at") from None
    if not tweet_id:
        raise StatusError("a tweet has no id_str")
    # A status streamed in compatibility mode is cut at 140 characters, its whole text and
    # entities (mentions past the cut included) kept apart in extended_tweet.
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or ""
    if not isinstance(text, str):
        raise StatusError(f"tweet {tweet_id} has a text that is not a string")
    entities = next((e for e in (extended.get("entities"), tweet.get("entities")) if isinstance(e, dict)), {})
    listed = entities.get("user_mentions")
    mentions = [m for m in listed if isinstance(m, dict)] if isinstance(listed, list) else []
    reply_to_post = _digits(tweet.get("in_reply_to_status_id_str"))
    reply_to_user = _digits(tweet.get("in_reply_to_user_id_str"))
    retweeted = tweet.get("retweeted_status") if isinstance(tweet.get("retweeted_status"), dict) else None
    quoted_id = _digits(tweet.get("quoted_status_id_str"))
    # The API embeds the quoted status with its author; an archive gives only its id.
    quoted = tweet.get("quoted_status") if isinstance(tweet.get("quoted_status"), dict) else {}
    quoted_user = _digits(quoted["user"].get("id_str")) if isinstance(quoted.get("user"), dict) else ""

    kind, parent, reposted_user = "post", "", ""
    if retweeted or text.startswith("RT @"):
        kind = "repost"
        if retweeted:
            parent = _digits(retweeted.get("id_str"))
            original_author = retweeted.get("user")
            reposted_user = (
                _digits(original_author.get("id_str")) if isinstance(original_author, dict) else ""
            )
        elif mentions:
            # The archive keeps a repost as "RT @author: ..." with the author as first mention.
            reposted_user = _digits(mentions[0].get("id_str"))
    elif reply_to_post:
        kind, parent = "reply", reply_to_post
    elif quoted_id:
        kind, parent = "quote", quoted_id

    language = tweet.get("lang") or ""
    batch.posts.append(
        PostRecord(
            network=NETWORK,
            external_id=tweet_id,
            author_id=author_id,
            created_at=created_at,
            kind=kind,
            text=text,
            language="" if language == "und" else language,
            url=f"https://x.com/{handle or 'i'}/status/{tweet_id}",
            parent_id=parent,
            # A repost's counts are the original post's, not the member's.
            reposts=None if kind == "repost" else _count(tweet.get("retweet_count")),
            likes=None if kind == "repost" else _count(tweet.get("favorite_count")),
        )
    )
    for mention in mentions:
        mention_id = _digits(mention.get("id_str"))
        if not mention_id:
            continue
        batch.identities.append(
            IdentityRecord(
                network=NETWORK,
                external_id=mention_id,
                handle=str(mention.get("screen_name") or ""),
                name=str(mention.get("name") or ""),
            )
        )

    def act(kind: str, target_id: str, post_id: str) -> None:
        batch.interactions.append(
            InteractionRecord(
                network=NETWORK,
                kind=kind,
                actor_id=author_id,
                target_id=target_id,
                occurred_at=created_at,
                post_id=post_id,
            )
        )

    if kind == "repost" and reposted_user:
        # Without the original's id, the repost's own id keeps each repost a distinct event.
        act("repost", reposted_user, parent or tweet_id)
    if kind == "reply" and reply_to_user:
        act("reply", reply_to_user, reply_to_post)
    if kind == "quote" and quoted_user:
        act("quote", quoted_user, quoted_id)
    # The account reposted, replied to or quoted is acted on once, not mentioned as well.
    # (An "@bob ..." answering no status of his is a post that mentions him.)
    implicit = {
        reposted_user,
        reply_to_user if kind == "reply" else "",
        quoted_user if kind == "quote" else "",
    }
    # A repost's text is the original's, and so are the mentions in it. A reply's text opens
    # with the accounts in the conversation, put there by X, before what is shown
    # (display_text_range): only the accounts named after that were mentioned by the author.
    shown_from = _shown_from(tweet, extended) if kind == "reply" else 0
    for mention in [] if kind == "repost" else mentions:
        if _ends_before(mention, shown_from):
            continue
        mention_id = _digits(mention.get("id_str"))
        if mention_id and mention_id not in implicit:
            act("mention", mention_id, tweet_id)


def _shown_from(tweet: dict, extended: dict) -> int:
    """Where the shown text of a status starts, per its display_text_range (else 0)."""
    for source in (extended, tweet):
        shown = source.get("display_text_range")
        start = _number(shown[0]) if isinstance(shown, list) and shown else None
        if start is not None:
            return start
    return 0


def _ends_before(mention: dict, offset: int) -> bool:
    indices = mention.get("indices")
    end = _number(indices[1]) if isinstance(indices, list) and len(indices) == 2 else None
    return end is not None and end <= offset


def _number(value: object) -> int | None:
    """Offsets are numbers in the API and strings in an archive ("45")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def identity_from_v1_user(user: dict) -> IdentityRecord:
    """A v1.1 user object as an identity. Raises ``StatusError`` without a numeric id_str."""
    external_id = _digits(user.get("id_str"))
    if not external_id:
        raise StatusError("a user has no id_str")
    handle = str(user.get("screen_name") or "")
    verified = user.get("verified")
    return IdentityRecord(
        network=NETWORK,
        external_id=external_id,
        handle=handle,
        name=str(user.get("name") or ""),
        followers=_count(user.get("followers_count")),
        following=_count(user.get("friends_count")),
        posts=_count(user.get("statuses_count")),
        listed=_count(user.get("listed_count")),
        verified=verified if isinstance(verified, bool) else None,
        location=str(user.get("location") or ""),
        bio=str(user.get("description") or ""),
        url=f"https://x.com/{handle}" if handle else "",
    )


def v1_status_records(status: dict, batch: Batch) -> None:
    """Add the records of a status that names its author (``user``), as the v1.1 API gives
    it: the author and the author of the post it reposts or quotes, with their counts as the
    status saw them, then what ``status_records`` adds. Raises ``StatusError``."""
    user = status.get("user")
    if not isinstance(user, dict):
        raise StatusError("a status has no user object")
    author = identity_from_v1_user(user)
    found = Batch(identities=[author])
    for key in ("retweeted_status", "quoted_status"):
        inner = status.get(key)
        if isinstance(inner, dict) and isinstance(inner.get("user"), dict):
            found.identities.append(identity_from_v1_user(inner["user"]))
    status_records(status, author_id=author.external_id, handle=author.handle, batch=found)
    batch.extend(found)
