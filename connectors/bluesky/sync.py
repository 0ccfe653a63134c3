"""Periodic sync of one connected Bluesky account: ``bluesky_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what Bluesky adds:

1. Sign in on the member's PDS with their app password (``session.session_confirm``): a revoked
   one stops here and asks the member to reconnect.
2. The profile and the author feed from the AppView. The feed has no "since": a pass reads back
   from the newest post to the newest one of the last complete pass, keeping the AppView's
   cursor between pages, so a pass stopped half way resumes where it stopped.
3. For the recent posts (the last week, at most ``engagement_posts``): who liked and who
   reposted each (``getLikes``, ``getRepostedBy``), the replies (``getPostThread``) and the
   quotes (``getQuotes``), read again each run (the natural keys make that harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from connectors.bluesky.client import BlueskyClient
from connectors.bluesky.parser import (
    NETWORK,
    parse_feed,
    parse_likes,
    parse_posts,
    parse_profile,
    parse_reposted_by,
    parse_thread,
)
from connectors.bluesky.session import session_confirm
from connectors.bluesky.source import SOURCE
from connectors.errors import ConnectorError
from connectors.json_values import parse_time
from connectors.models import Post
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync, public_account_sync

ENGAGEMENT_WINDOW = timedelta(days=7)
MAX_WAIT = 120.0


@dataclass
class AccountClient:
    """The AppView's reads, and the sign-in on the member's PDS, as one client for ``fetch``."""

    appview: BlueskyClient
    pds: str
    app_password: str

    def confirm(self, *, did: str) -> None:
        session_confirm(pds=self.pds, did=did, app_password=self.app_password)

    def __getattr__(self, name: str):
        return getattr(self.appview, name)


ClientFactory = Callable[[str, str], AccountClient]  # (app password, PDS) -> client


def _default_client(app_password: str, pds: str) -> AccountClient:
    return AccountClient(appview=BlueskyClient(), pds=pds, app_password=app_password)


def bluesky_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=BlueskySync,
        run_source=SOURCE.sync.run_source,
        policy=policy or SyncPolicy(max_wait=MAX_WAIT),
        client_factory=client_factory or _default_client,
    )


class BlueskySync(AccountSync):
    network = NETWORK
    network_label = "Bluesky"

    def __post_init__(self) -> None:
        super().__post_init__()
        factory, pds = self.client_factory, self.account.server
        self.client_factory = lambda password: factory(password, pds)
        self.stats["skipped_posts"] = 0

    def steps(self) -> None:
        self.fetch("confirm", did=self.user_id)
        self.read()

    def read(self) -> None:
        profile = self.fetch("profile", actor=self.user_id)
        if profile.get("did") != self.user_id:
            raise ConnectorError("Bluesky answered for another account", permanent=False)
        self.store(parse_profile(profile))
        self._feed()
        self._engagement()

    def _feed(self) -> None:
        state = dict(self.cursor.get("feed") or {})
        since = parse_time(state.get("since"))
        for _ in range(self.policy.max_pages):
            page = self.fetch("author_feed", actor=self.user_id, cursor=state.get("next"))
            items = page.body.get("feed") if isinstance(page.body.get("feed"), list) else []
            batch = parse_feed(items)
            own = [p.created_at for p in batch.posts if p.author_id == self.user_id]
            newest = max([*own, *filter(None, [parse_time(state.get("newest"))])], default=None)
            caught_up = not page.cursor or not items or (since is not None and own and min(own) <= since)
            if caught_up:
                done = newest or since
                new_state = {"since": done.isoformat() if done else None, "next": None, "newest": None}
            else:
                new_state = {**state, "next": page.cursor, "newest": newest.isoformat() if newest else None}
            self.store(batch, cursor={"feed": new_state})
            state = new_state
            if caught_up:
                break

    def _engagement(self) -> None:
        recent = (
            # By the account's id, not its row: a public account's read may have no row before it.
            Post.objects.filter(
                author__network=NETWORK,
                author__external_id=self.user_id,
                created_at__gte=timezone.now() - ENGAGEMENT_WINDOW,
            )
            .exclude(kind="repost")
            .order_by("-created_at")
            .values_list("external_id", "created_at")[: self.policy.engagement_posts]
        )
        for uri, created_at in recent:
            try:
                self._reactions(uri=uri, created_at=created_at)
            except ConnectorError as error:
                if error.permanent and not error.auth and error.status in (400, 404):
                    self.stats["skipped_posts"] += 1  # deleted since we read it
                    continue
                raise

    def _reactions(self, *, uri: str, created_at) -> None:
        post = {"post_id": uri, "post_author_id": self.user_id, "post_created_at": created_at}
        for call, key, parse in (
            ("likes", "likes", lambda items: parse_likes(items, **post)),
            ("reposted_by", "repostedBy", lambda items: parse_reposted_by(items, **post)),
            ("quotes", "posts", parse_posts),
        ):
            cursor = None
            for _ in range(self.policy.max_pages):
                page = self.fetch(call, uri=uri, cursor=cursor)
                items = page.body.get(key) if isinstance(page.body.get(key), list) else []
                self.store(parse(items))
                cursor = page.cursor
                if not items or not cursor:
                    break
        self.store(parse_thread(self.fetch("thread", uri=uri).get("thread")))


class BlueskyPublicSync(BlueskySync):
    """A public account of no member: the same reads, with no sign-in (the AppView needs none)."""

    def steps(self) -> None:
        self.read()


def bluesky_public_sync(handle: str) -> SyncOutcome:
    """Read the public Bluesky account ``handle`` (or DID), confirmed both ways first."""
    from connectors.bluesky.profile import handle_normalize, profile_read

    did = profile_read(handle_normalize(handle)).external_ids[0]
    return public_account_sync(
        sync_class=BlueskyPublicSync,
        run_source=SOURCE.sync.run_source,
        network=NETWORK,
        external_id=did,
        policy=SyncPolicy(max_wait=MAX_WAIT),
        client_factory=lambda password, pds: AccountClient(appview=BlueskyClient(), pds="", app_password=""),
    )
