"""Pure functions from a Mastodon server's JSON to records: no Django, no network.

- An account's id is its address, ``user@server`` (``records.external_id_canonical``): the
  server gives a local account's ``acct`` without its server, which is the one being read.
- A status's id is its ``uri``: the same on every server of the fediverse, while the ``id``
  is only its row on the server that answered.
- A reblog is a repost of the original (whose counts are the original's); a status with
  ``in_reply_to_account_id`` is a reply to that account, named through the status's mentions;
  its other mentions are mentions; a status that quotes another (Mastodon 4.5's ``quote``) is
  a quote of it.
- Who favourited or reblogged a status comes without a time: the reaction is dated at the
  status, as X's lists are.
- A server speaks for its own accounts only. Anyone can run one, and name it as theirs: what
  it says of accounts and statuses of other servers (their counts, bios, texts), and of what
  two accounts of other servers did to each other, would be written in those people's names.
  So an account of another server enters as its address alone, its statuses not at all, and an
  interaction is kept only when one of its two sides is an account of the answering server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from connectors.json_values import as_dict, count, parse_time
from connectors.profiles import html_text
from connectors.records import (
    Batch,
    ExternalIdError,
    IdentityRecord,
    InteractionRecord,
    PostRecord,
    external_id_canonical,
)

NETWORK = "mastodon"


_ID = re.compile(r"^[0-9]{1,20}$")


def _text(value: Any) -> str:
    return html_text(value) if isinstance(value, str) else ""


def status_id_valid(value: Any) -> bool:
    """Mastodon's ids are numbers in strings; anything else is not used in a cursor or a path."""
    return isinstance(value, str) and bool(_ID.match(value))


def _on(url: Any, home: str) -> str:
    """``url`` when it is an http(s) address on the server ``home``, else empty."""
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        return ""
    return url if (urlsplit(url).hostname or "").lower() == home else ""


def account_id(account: Mapping[str, Any], *, home: str) -> str | None:
    """The account's address, or None when the server gave none that names an account."""
    acct = account.get("acct")
    if not isinstance(acct, str) or not acct:
        return None
    try:
        return external_id_canonical(network=NETWORK, external_id=acct if "@" in acct else f"{acct}@{home}")
    except ExternalIdError:
        return None


def account_record(account: Mapping[str, Any], *, home: str) -> IdentityRecord | None:
    address = account_id(account, home=home)
    if address is None:
        return None
    fields = account.get("fields") if isinstance(account.get("fields"), list) else []
    texts = [_text(account.get("note"))]
    texts += [_text(f"{f.get('name', '')} {f.get('value', '')}") for f in fields if isinstance(f, dict)]
    return IdentityRecord(
        network=NETWORK,
        external_id=address,
        handle=address,
        name=str(account.get("display_name") or "")[:200],
        followers=count(account.get("followers_count")),
        following=count(account.get("following_count")),
        posts=count(account.get("statuses_count")),
        bio="\n".join(t for t in texts if t.strip())[:2000],
        url=_on(account.get("url"), home),
    )


def account_is_local(account: Mapping[str, Any], *, home: str) -> bool:
    """Whether the account is one of the server ``home``'s own (the only ones it speaks for)."""
    address = account_id(account, home=home)
    return address is not None and address.rsplit("@", 1)[-1] == home


def parse_account(account: Mapping[str, Any], *, home: str) -> Batch:
    """The account, when it is one of the answering server's own; else nothing."""
    record = account_record(account, home=home) if account_is_local(account, home=home) else None
    return Batch(identities=[record] if record else [])


class _Collector:
    """A batch being made, with each identity and post once."""

    def __init__(self, home: str) -> None:
        self.home = home
        self.batch = Batch()
        self._identities: set[str] = set()
        self._posts: set[str] = set()

    def local(self, address: str) -> bool:
        return address.rsplit("@", 1)[-1] == self.home

    def identity(self, account: Any) -> str | None:
        if not isinstance(account, dict):
            return None
        record = account_record(account, home=self.home)
        if record is None:
            return None
        if not self.local(record.external_id):
            self._bare_identity(record.external_id)
        elif record.external_id not in self._identities:
            self._identities.add(record.external_id)
            self.batch.identities.append(record)
        return record.external_id

    def interaction(self, kind: str, actor: str, target: str, when: datetime, post_id: str) -> None:
        if actor != target and (self.local(actor) or self.local(target)):
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

    def status(
        self, status: Any, *, parents: Mapping[str, str] | None = None, replied_to: str | None = None
    ) -> PostRecord | None:
        """The status as a post, its author, and what it did to others."""
        if not isinstance(status, dict) or not isinstance(status.get("uri"), str):
            return None
        author = self.identity(status.get("account"))
        created = parse_time(status.get("created_at"))
        if author is None or created is None:
            return None
        reblogged = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
        # Its own statuses only: a uri on another server would take a place that is its author's.
        own_status = self.local(author) and bool(_on(status["uri"], self.home))
        quoted = _quoted(status)
        mentions = _mentions(status.get("mentions"), home=self.home)
        reply_to = status.get("in_reply_to_account_id")
        if replied_to is not None or reply_to is None:
            reply_target = replied_to
        elif str(reply_to) == str(as_dict(status.get("account")).get("id")):
            reply_target = author  # a thread of one's own
        else:
            reply_target = mentions.get(str(reply_to))
        parent = ""
        if reblogged is not None:
            kind = "repost"
            original = self.status(reblogged)
            parent = original.external_id if original else ""
        elif reply_to is not None:
            kind = "reply"
            parent = (parents or {}).get(str(status.get("in_reply_to_id")), "")
        elif quoted is not None:
            kind = "quote"
        else:
            kind = "post"
        counts = {} if reblogged is not None else status
        language = status.get("language") if isinstance(status.get("language"), str) else ""
        post = PostRecord(
            network=NETWORK,
            external_id=status["uri"],
            author_id=author,
            created_at=created,
            kind=kind,
            text="" if reblogged is not None else _text(status.get("content")).strip()[:5000],
            language=language[:16],
            url=_on(status.get("url"), self.home),
            parent_id=parent,
            reposts=count(counts.get("reblogs_count")),
            replies=count(counts.get("replies_count")),
            likes=count(counts.get("favourites_count")),
            quotes=count(counts.get("quotes_count")),
        )
        if post.external_id in self._posts:
            return post
        self._posts.add(post.external_id)
        if own_status:
            self.batch.posts.append(post)
        acted_on = {author}
        if reblogged is not None:
            original_author = account_id(as_dict(reblogged.get("account")), home=self.home)
            if original_author and parent:
                self.interaction("repost", author, original_author, created, parent)
            return post  # a reblog's mentions are the original's
        if reply_target is not None:
            acted_on.add(reply_target)
            self.interaction("reply", author, reply_target, created, parent)
        if quoted is not None:
            quoted_post = self.status(quoted)
            if quoted_post is not None:
                acted_on.add(quoted_post.author_id)
                self.interaction("quote", author, quoted_post.author_id, created, quoted_post.external_id)
                post.parent_id = post.parent_id or quoted_post.external_id
        for address in mentions.addresses:
            if address in acted_on:
                continue
            acted_on.add(address)
            self._bare_identity(address)
            self.interaction("mention", author, address, created, post.external_id)
        if reply_target is not None:
            self._bare_identity(reply_target)
        return post

    def _bare_identity(self, address: str) -> None:
        """An account named without its figures (a mention): its address only."""
        if address not in self._identities:
            self._identities.add(address)
            self.batch.identities.append(IdentityRecord(network=NETWORK, external_id=address, handle=address))


class _Mentions(dict):
    """Mentioned accounts' addresses by their id on the answering server; ``addresses`` in order."""

    addresses: list[str]


def _mentions(value: Any, *, home: str) -> _Mentions:
    found = _Mentions()
    found.addresses = []
    for mention in value if isinstance(value, list) else []:
        if not isinstance(mention, dict):
            continue
        address = account_id(mention, home=home)
        if address is None:
            continue
        if mention.get("id") is not None:
            found[str(mention["id"])] = address
        if address not in found.addresses:
            found.addresses.append(address)
    return found


def _quoted(status: Mapping[str, Any]) -> dict | None:
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    if quote.get("state") not in (None, "accepted"):
        return None  # a quote its author refused or removed says nothing of them
    quoted = quote.get("quoted_status")
    return quoted if isinstance(quoted, dict) else None


def parse_statuses(statuses: Iterable[Any], *, home: str) -> Batch:
    """A page of statuses (the member's own, or quotes of one of theirs)."""
    collector = _Collector(home)
    for status in statuses:
        collector.status(status)
    return collector.batch


def parse_mentions(notifications: Iterable[Any], *, home: str) -> Batch:
    """A page of mention notifications: the statuses that mention the member."""
    collector = _Collector(home)
    for notification in notifications:
        if isinstance(notification, dict) and notification.get("type") == "mention":
            collector.status(notification.get("status"))
    return collector.batch


def parse_reactors(
    accounts: Iterable[Any],
    *,
    kind: str,
    post_id: str,
    post_author_id: str,
    post_created_at: datetime,
    home: str,
) -> Batch:
    """Who favourited (``like``) or reblogged (``repost``) one of the member's statuses."""
    collector = _Collector(home)
    for account in accounts:
        actor = collector.identity(account)
        if actor is not None:
            collector.interaction(kind, actor, post_author_id, post_created_at, post_id)
    return collector.batch


def parse_context(context: Mapping[str, Any], *, status: Mapping[str, Any], home: str) -> Batch:
    """The replies under one of the member's statuses (its context's descendants).

    A reply is to the author of the status it answers, which may be the member or someone who
    replied before: each reply's parent is found among the statuses of the thread.
    """
    collector = _Collector(home)
    descendants = context.get("descendants") if isinstance(context.get("descendants"), list) else []
    thread = [status, *(d for d in descendants if isinstance(d, dict))]
    parents = {str(s.get("id")): s["uri"] for s in thread if isinstance(s.get("uri"), str)}
    authors = {str(s.get("id")): s.get("account") for s in thread}
    for reply in thread[1:]:
        parent_author = authors.get(str(reply.get("in_reply_to_id")))
        # The parent's author is known from the thread itself, even when not mentioned.
        collector.status(reply, parents=parents, replied_to=account_id(as_dict(parent_author), home=home))
    return collector.batch


def newest_id(items: Iterable[Mapping[str, Any]]) -> str | None:
    """The largest id of a page (Mastodon's ids are numbers in strings, growing with time)."""
    ids = [item["id"] for item in items if status_id_valid(item.get("id"))]
    return max(ids, key=int) if ids else None
