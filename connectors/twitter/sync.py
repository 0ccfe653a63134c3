"""Periodic sync of one connected X account: ``x_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what X adds:

1. Refresh the access token if it has expired (X's lasts two hours), storing the new pair
   at once: X's refresh tokens work only once.
2. Read the profile (public metrics), then the member's posts and the mentions of them
   since the cursor, page by page, then who liked, reposted and quoted recent posts.

Timeline passes use ``since_id`` with pagination: the pass pages back through what is
new since the last pass; ``since_id`` moves to the newest id of the pass only when the
pass is complete, so tweets posted while a pass is half done are picked up by the next.
Engagement lists have no "since": they are read again each run, which the ingest path's
natural keys make harmless, and are limited to a few recent posts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from connectors.errors import ConnectorError
from connectors.models import Post
from connectors.records import Batch
from connectors.services import account_tokens_store
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync
from connectors.twitter import oauth
from connectors.twitter.client import DEFAULT_BASE_URL, XClient
from connectors.twitter.parser import (
    NETWORK,
    newest_id,
    next_token,
    parse_engagement_page,
    parse_tweets_page,
    parse_users_page,
)
from connectors.twitter.source import SOURCE

ENGAGEMENT_WINDOW = timedelta(days=7)

ClientFactory = Callable[[str], XClient]


def _default_client(access_token: str) -> XClient:
    return XClient(
        access_token=access_token, base_url=getattr(settings, "X_API_BASE_URL", "") or DEFAULT_BASE_URL
    )


def x_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=XSync,
        run_source=SOURCE.sync.run_source,
        policy=policy,
        client_factory=client_factory or _default_client,
    )


class XSync(AccountSync):
    network = NETWORK
    network_label = "X"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.stats["skipped_posts"] = 0

    def token_expired(self) -> bool:
        return oauth.token_expired(expires_at=self.account.token_expires_at)

    def refresh(self) -> None:
        tokens = oauth.token_refresh(refresh_token=self.account.refresh_token)
        account_tokens_store(account_id=self.account.pk, tokens=tokens)
        self.account.access_token = tokens.access_token
        self.account.refresh_token = tokens.refresh_token or self.account.refresh_token
        self.account.token_expires_at = tokens.expires_at

    def steps(self) -> None:
        self._profile()
        self._timeline("tweets", "user_tweets", author_id=self.user_id)
        self._timeline("mentions", "user_mentions", author_id=None)
        self._engagement()

    # --- steps -------------------------------------------------------------------------
    def _profile(self) -> None:
        page = self.fetch("me")
        data = page.get("data")
        if isinstance(data, dict) and data.get("id") not in (None, self.user_id):
            raise ConnectorError(
                f"the stored token belongs to another X account (@{data.get('username')})",
                permanent=True,
                auth=True,
            )
        self.store(parse_users_page(page))

    def _timeline(self, key: str, call: str, *, author_id: str | None) -> None:
        state = dict(self.cursor.get(key) or {})
        for _ in range(self.policy.max_pages):
            try:
                page = self.fetch(
                    call,
                    user_id=self.user_id,
                    since_id=state.get("since_id"),
                    pagination_token=state.get("next"),
                )
            except ConnectorError as error:
                if error.status == 400 and state.get("next"):
                    # A pagination token X no longer accepts would block the cursor forever:
                    # drop it; the next pass starts again from since_id, losing nothing.
                    self.store(Batch(), cursor={key: {**state, "next": None}})
                    raise ConnectorError(
                        f"X no longer accepts the saved page token ({error.message}); the next sync restarts",
                        permanent=False,
                        status=400,
                    ) from error
                raise
            token, newest = next_token(page), newest_id(page)
            new_state = dict(state)
            if newest and (not state.get("newest") or int(newest) > int(state["newest"])):
                new_state["newest"] = newest
            if token:
                new_state["next"] = token
            else:
                new_state = {
                    "since_id": new_state.get("newest") or state.get("since_id"),
                    "next": None,
                    "newest": None,
                }
            self.store(parse_tweets_page(page, author_id=author_id), cursor={key: new_state})
            state = new_state
            if not token:
                break

    def _engagement(self) -> None:
        since = timezone.now() - ENGAGEMENT_WINDOW
        recent = (
            Post.objects.filter(author=self.account.identity, created_at__gte=since)
            .exclude(kind="repost")
            .order_by("-created_at")
            .values_list("external_id", "created_at")[: self.policy.engagement_posts]
        )
        for post_id, created_at in recent:
            for kind, call in (("like", "liking_users"), ("repost", "retweeters"), ("quote", "quote_tweets")):
                token = None
                for _ in range(self.policy.max_pages):
                    try:
                        page = self.fetch(call, tweet_id=post_id, pagination_token=token)
                    except ConnectorError as error:
                        if error.permanent and not error.auth and error.status in (403, 404):
                            # The post was deleted or hidden since we stored it: skip it.
                            self.stats["skipped_posts"] += 1
                            break
                        raise
                    if kind == "quote":
                        batch = parse_tweets_page(page, known_authors={post_id: self.user_id})
                    else:
                        batch = parse_engagement_page(
                            page,
                            kind=kind,
                            post_id=post_id,
                            post_author_id=self.user_id,
                            post_created_at=created_at,
                        )
                    self.store(batch)
                    token = next_token(page)
                    if not token:
                        break
