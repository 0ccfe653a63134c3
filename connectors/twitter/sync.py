"""Periodic sync of one connected X account: ``x_account_sync(account_id=...)``.

1. Claim the account with a conditional UPDATE (a lease in its cursor), so two syncs of
   one account never run at once; a second one finds it taken and does nothing.
2. Refresh the access token if it has expired (X's lasts two hours), storing the new pair
   at once: X's refresh tokens work only once.
3. Read the profile (public metrics), then the member's posts and the mentions of them
   since the cursor, page by page, then who liked, reposted and quoted recent posts.
4. Each page is parsed and stored, and the cursor moved past it, in one transaction: a
   crash between pages resumes from the last stored page, with nothing lost or stored twice.
5. Transient failures (429, 5xx, timeouts, garbage) are retried in place a bounded number
   of times, waiting for the rate-limit reset or backing off; then the run stops with the
   cursor where it was and says how long to wait before the next try. A permanent one
   stops at once: a revoked token marks the account ``revoked`` and tells the member to
   reconnect.
6. A SyncRun row records what was fetched, how long it took, and how it ended.

Timeline passes use ``since_id`` with pagination: the pass pages back through what is
new since the last pass; ``since_id`` moves to the newest id of the pass only when the
pass is complete, so tweets posted while a pass is half done are picked up by the next.
Engagement lists have no "since": they are read again each run, which the ingest path's
natural keys make harmless, and are limited to a few recent posts.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connectors.changes import changes_nudge
from connectors.crypto import token_undecryptable
from connectors.errors import ConnectorError
from connectors.ingest import IngestResult, ingest_batch
from connectors.models import ConnectedAccount, Post, SyncRun
from connectors.records import FETCHED, Batch
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
from connectors.twitter.services import x_account_tokens_store

log = logging.getLogger(__name__)

# Longer than the Celery hard time limit, so a live sync never loses its claim, but a
# worker killed mid-sync frees the account by the next hourly run.
LEASE_SECONDS = 35 * 60
ENGAGEMENT_WINDOW = timedelta(days=7)
RECONNECT_MESSAGE = (
    "X no longer accepts Klout's access to @{handle} (it was revoked or has expired). "
    "Reconnect X from your connections page to resume scoring it."
)


@dataclass
class SyncPolicy:
    attempts: int = 4  # tries per request before the run stops
    # The longest the run itself waits for a rate-limit reset; a longer wait ends the run
    # and is handed to the task to retry later, rather than holding a worker.
    max_wait: float = 900.0
    backoff: float = 2.0  # first wait after a 5xx or timeout, doubled each time
    max_pages: int = 10  # per endpoint per run
    engagement_posts: int = 10
    sleep: Callable[[float], None] = time.sleep


@dataclass
class SyncOutcome:
    # None when the account was not claimed (another sync holds it, or it is not active).
    run: SyncRun | None
    # Seconds to wait before trying again, when the run stopped on a transient failure.
    retry_after: float | None = None


class _LeaseLost(Exception):
    """Our claim expired and another sync took the account: stop without writing."""


ClientFactory = Callable[[str], XClient]


def _default_client(access_token: str) -> XClient:
    return XClient(
        access_token=access_token, base_url=getattr(settings, "X_API_BASE_URL", "") or DEFAULT_BASE_URL
    )


def x_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    lease = _claim(account_id=account_id)
    if lease is None:
        return SyncOutcome(run=None)
    account = ConnectedAccount.objects.select_related("identity", "member").get(pk=account_id)
    run = SyncRun.objects.create(
        account=account,
        member=account.member,
        source=SyncRun.Source.X_API,
        status=SyncRun.Status.RUNNING,
        started_at=timezone.now(),
    )
    sync = _XSync(
        account=account,
        run=run,
        lease=lease,
        policy=policy or SyncPolicy(),
        client_factory=client_factory or _default_client,
    )
    return sync.run_all()


def _claim(*, account_id: int) -> str | None:
    """Take the account for one sync, or return None if it is taken or not active.

    The lease lives in the cursor because that is the row's per-connector scratch space.
    The UPDATE's WHERE re-checks the lease we read, so of two workers racing, the second
    one's UPDATE matches no row: the database, not a read-then-write, decides.
    """
    current = (
        ConnectedAccount.objects.filter(pk=account_id, network=NETWORK).values("cursor", "status").first()
    )
    if current is None or current["status"] != ConnectedAccount.Status.ACTIVE:
        return None
    cursor = dict(current["cursor"] or {})
    held = cursor.get("lease")
    now = time.time()
    candidates = ConnectedAccount.objects.filter(pk=account_id, status=ConnectedAccount.Status.ACTIVE)
    if isinstance(held, dict) and "token" in held:
        if float(held.get("until", 0)) > now:
            return None
        candidates = candidates.filter(cursor__lease__token=held["token"])
    else:
        candidates = candidates.filter(~Q(cursor__has_key="lease"))
    token = uuid.uuid4().hex
    cursor["lease"] = {"token": token, "until": now + LEASE_SECONDS}
    return token if candidates.update(cursor=cursor) == 1 else None


@dataclass
class _XSync:
    account: ConnectedAccount
    run: SyncRun
    lease: str
    policy: SyncPolicy
    client_factory: ClientFactory
    stats: dict[str, Any] = field(default_factory=dict)
    refreshed: bool = False
    client: XClient | None = None

    def __post_init__(self) -> None:
        self.cursor: dict[str, Any] = dict(self.account.cursor or {})
        self.stats = {
            "requests": 0,
            "pages": 0,
            "waits": 0,
            "waited_seconds": 0.0,
            "skipped_posts": 0,
            "identities": 0,
            "posts": 0,
            "interactions": 0,
            "duplicates": 0,
            "rejected": 0,
        }
        self.user_id = self.account.identity.external_id
        # Identities whose data the stored pages changed: re-scored when the run ends.
        self.changed: set[int] = set()

    # --- the run -----------------------------------------------------------------------
    def run_all(self) -> SyncOutcome:
        started = time.monotonic()
        try:
            if token_undecryptable(self.account.access_token) or token_undecryptable(
                self.account.refresh_token
            ):
                raise ConnectorError(
                    "the stored access to X can no longer be read (this server's keys changed)",
                    permanent=True,
                    auth=True,
                )
            if oauth.token_expired(expires_at=self.account.token_expires_at):
                self._refresh()
            self.client = self.client_factory(self.account.access_token)
            self._profile()
            self._timeline("tweets", "user_tweets", author_id=self.user_id)
            self._timeline("mentions", "user_mentions", author_id=None)
            self._engagement()
        except ConnectorError as error:
            return self._stop(error, started)
        except _LeaseLost:
            self._finish_run(SyncRun.Status.FAILED, started, "another sync took over this account")
            return SyncOutcome(run=self.run)
        except BaseException:
            self._finish_run(SyncRun.Status.FAILED, started, "internal error (see the worker log)")
            self._release(last_error="The last sync failed on an internal error; it will be retried.")
            raise
        self._finish_run(SyncRun.Status.SUCCEEDED, started, "")
        self._release(last_error="", synced=True)
        return SyncOutcome(run=self.run)

    def _stop(self, error: ConnectorError, started: float) -> SyncOutcome:
        if error.permanent and error.auth:
            message = RECONNECT_MESSAGE.format(handle=self.account.identity.handle or self.user_id)
            self._release(last_error=message, status=ConnectedAccount.Status.REVOKED)
        elif error.permanent:
            message = f"X refused the sync: {error.message}"
            self._release(last_error=message, status=ConnectedAccount.Status.ERROR)
        else:
            message = (
                f"The sync stopped on a temporary X failure ({error.message}); it will resume from there."
            )
            self._release(last_error=message)
        log.warning("X sync of account %s stopped: %r", self.account.pk, error)
        self._finish_run(SyncRun.Status.FAILED, started, error.message)
        retry_after = (
            None if error.permanent else (error.retry_after if error.retry_after is not None else 60.0)
        )
        return SyncOutcome(run=self.run, retry_after=retry_after)

    # --- steps -------------------------------------------------------------------------
    def _profile(self) -> None:
        page = self._fetch("me")
        data = page.get("data")
        if isinstance(data, dict) and data.get("id") not in (None, self.user_id):
            raise ConnectorError(
                f"the stored token belongs to another X account (@{data.get('username')})",
                permanent=True,
                auth=True,
            )
        self._store(parse_users_page(page))

    def _timeline(self, key: str, call: str, *, author_id: str | None) -> None:
        state = dict(self.cursor.get(key) or {})
        for _ in range(self.policy.max_pages):
            try:
                page = self._fetch(
                    call,
                    user_id=self.user_id,
                    since_id=state.get("since_id"),
                    pagination_token=state.get("next"),
                )
            except ConnectorError as error:
                if error.status == 400 and state.get("next"):
                    # A pagination token X no longer accepts would block the cursor forever:
                    # drop it; the next pass starts again from since_id, losing nothing.
                    self._store(Batch(), cursor={key: {**state, "next": None}})
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
            self._store(parse_tweets_page(page, author_id=author_id), cursor={key: new_state})
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
                        page = self._fetch(call, tweet_id=post_id, pagination_token=token)
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
                    self._store(batch)
                    token = next_token(page)
                    if not token:
                        break

    # --- plumbing ----------------------------------------------------------------------
    def _fetch(self, call: str, **kwargs: Any) -> dict:
        """Call the client method named ``call``, retrying transient failures within the policy."""
        attempt = 0
        while True:
            attempt += 1
            self.stats["requests"] += 1
            try:
                return getattr(self.client, call)(**kwargs)
            except ConnectorError as error:
                if error.auth and not self.refreshed and self.account.refresh_token:
                    # The token may have died before its stated expiry: one refresh, then retry.
                    self._refresh()
                    self.client = self.client_factory(self.account.access_token)
                    continue
                if error.permanent or attempt >= self.policy.attempts:
                    raise
                wait = self._wait_for(error, attempt)
                if wait is None:
                    raise
                self.stats["waits"] += 1
                self.stats["waited_seconds"] += wait
                self.policy.sleep(wait)

    def _wait_for(self, error: ConnectorError, attempt: int) -> float | None:
        if error.status == 429:
            wait = (error.retry_after if error.retry_after is not None else 60.0) + 1.0
            return wait if wait <= self.policy.max_wait else None
        return min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_wait)

    def _refresh(self) -> None:
        self.refreshed = True
        tokens = oauth.token_refresh(refresh_token=self.account.refresh_token)
        x_account_tokens_store(account_id=self.account.pk, tokens=tokens)
        self.account.access_token = tokens.access_token
        self.account.refresh_token = tokens.refresh_token or self.account.refresh_token
        self.account.token_expires_at = tokens.expires_at

    def _store(self, batch: Batch, *, cursor: dict[str, Any] | None = None) -> None:
        """Store a page and move the cursor past it, together or not at all."""
        new_cursor = {**self.cursor, **(cursor or {})}
        with transaction.atomic():
            result = ingest_batch(batch=batch, provenance=FETCHED) if len(batch) else IngestResult()
            if cursor is not None:
                moved = ConnectedAccount.objects.filter(
                    pk=self.account.pk, cursor__lease__token=self.lease
                ).update(cursor=new_cursor)
                if moved != 1:
                    raise _LeaseLost
        self.cursor = new_cursor
        self.stats["pages"] += 1 if len(batch) or cursor is not None else 0
        self.stats["identities"] += result.identities.new
        self.stats["posts"] += result.posts.new
        self.stats["interactions"] += result.interactions.new
        self.stats["duplicates"] += result.duplicates
        self.stats["rejected"] += result.rejected
        self.changed |= result.changed_identity_ids

    def _release(self, *, last_error: str, status: str | None = None, synced: bool = False) -> None:
        cursor = {k: v for k, v in self.cursor.items() if k != "lease"}
        changes: dict[str, Any] = {"cursor": cursor, "last_error": last_error}
        if status:
            changes["status"] = status
        if synced:
            changes["last_synced_at"] = timezone.now()
        ConnectedAccount.objects.filter(pk=self.account.pk, cursor__lease__token=self.lease).update(**changes)

    def _finish_run(self, status: str, started: float, error: str) -> None:
        self.stats["seconds"] = round(time.monotonic() - started, 3)
        self.stats["waited_seconds"] = round(self.stats["waited_seconds"], 3)
        self.run.status = status
        self.run.error = error
        self.run.stats = self.stats
        self.run.progress = 100
        self.run.finished_at = timezone.now()
        self.run.save(update_fields=["status", "error", "stats", "progress", "finished_at"])
        # Whatever was stored is in the score's outbox (each page's ingest put it there), even
        # when the run stopped early: ask for it to be drained.
        if self.changed:
            changes_nudge()
