"""What every API sync shares: the lease on the account, the cursor, retries, the run's record.

A network's sync (``twitter/sync.py``) subclasses ``AccountSync`` and writes ``steps``: which
pages to read, in what order, and how to parse them. This module does the rest:

1. ``account_claim`` takes the account with a conditional UPDATE (a lease in its cursor), so
   two syncs of one account never run at once; a second one finds it taken and does nothing.
2. ``AccountSync.fetch`` calls the network's client, retrying transient failures (429, 5xx,
   timeouts, garbage) in place a bounded number of times, waiting for the rate-limit reset or
   backing off; then the run stops with the cursor where it was and says how long to wait
   before the next try. An authorisation failure refreshes the tokens once (``refresh``).
3. ``AccountSync.store`` stores a page and moves the cursor past it in one transaction, while
   the lease is still ours: a crash between pages resumes from the last stored page, with
   nothing lost or stored twice. Ingest puts what changed in the score's outbox; the run asks
   for it to be drained when it ends.
4. A permanent failure stops at once: a revoked token marks the account ``revoked`` and tells
   the member to reconnect. A SyncRun row records what was fetched, how long it took, and how
   it ended.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connectors.changes import changes_nudge
from connectors.crypto import token_undecryptable
from connectors.errors import ConnectorError
from connectors.ingest import IngestResult, ingest_batch
from connectors.json_values import parse_time
from connectors.models import ConnectedAccount, SyncRun
from connectors.records import FETCHED, Batch

log = logging.getLogger(__name__)

# Longer than the Celery hard time limit, so a live sync never loses its claim, but a
# worker killed mid-sync frees the account by the next hourly run.
LEASE_SECONDS = 35 * 60
RECONNECT_MESSAGE = (
    "{network} no longer accepts Klout's access to @{handle} (it was revoked or has expired). "
    "Reconnect {network} from your connections page to resume scoring it."
)


@dataclass
class SyncPolicy:
    attempts: int = 4  # tries per request before the run stops
    # The longest the run itself waits for a rate-limit reset; a longer wait ends the run
    # and is handed to the task to retry later, rather than holding a worker.
    max_wait: float = 900.0
    backoff: float = 2.0  # first wait after a 5xx or timeout, doubled each time
    max_pages: int = 10  # per endpoint per run
    engagement_posts: int = 10  # recent posts whose reactions are read again each run
    # The longest one run may take, waits included: past it the run stops with its cursor saved
    # and resumes at the next try, well before the task's time limit and the lease end. A slow
    # server (every answer just inside its deadline) cannot hold a worker for an hour.
    budget: float = 20 * 60
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass
class SyncOutcome:
    # None when the account was not claimed (another sync holds it, or it is not active).
    run: SyncRun | None
    # Seconds to wait before trying again, when the run stopped on a transient failure.
    retry_after: float | None = None


class LeaseLost(Exception):
    """Our claim expired and another sync took the account: stop without writing."""


def account_claim(*, account_id: int, network: str) -> str | None:
    """Take the account for one sync, or return None if it is taken or not active.

    The lease lives in the cursor because that is the row's per-connector scratch space.
    The UPDATE's WHERE re-checks the lease we read, so of two workers racing, the second
    one's UPDATE matches no row: the database, not a read-then-write, decides.
    """
    current = (
        ConnectedAccount.objects.filter(pk=account_id, network=network).values("cursor", "status").first()
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


def account_sync(
    *,
    account_id: int,
    sync_class: type[AccountSync],
    run_source: str,
    policy: SyncPolicy | None = None,
    client_factory: Callable[[str], Any],
) -> SyncOutcome:
    """Claim the account, record a run and let ``sync_class`` read it."""
    lease = account_claim(account_id=account_id, network=sync_class.network)
    if lease is None:
        return SyncOutcome(run=None)
    account = ConnectedAccount.objects.select_related("identity", "member").get(pk=account_id)
    run = SyncRun.objects.create(
        account=account,
        member=account.member,
        source=run_source,
        status=SyncRun.Status.RUNNING,
        started_at=timezone.now(),
    )
    sync = sync_class(
        account=account, run=run, lease=lease, policy=policy or SyncPolicy(), client_factory=client_factory
    )
    return sync.run_all()


@dataclass
class AccountSync:
    """One run of one account's sync; a network subclasses it (see the module docstring)."""

    # The network's name in records, and as the member reads it in messages.
    network: ClassVar[str] = ""
    network_label: ClassVar[str] = ""

    account: ConnectedAccount
    run: SyncRun
    lease: str
    policy: SyncPolicy
    client_factory: Callable[[str], Any]
    stats: dict[str, Any] = field(default_factory=dict)
    refreshed: bool = False
    started: float = 0.0
    client: Any = None

    def __post_init__(self) -> None:
        self.cursor: dict[str, Any] = dict(self.account.cursor or {})
        self.stats = {
            "requests": 0,
            "pages": 0,
            "waits": 0,
            "waited_seconds": 0.0,
            "identities": 0,
            "posts": 0,
            "interactions": 0,
            "duplicates": 0,
            "rejected": 0,
        }
        self.user_id = self.account.identity.external_id
        # Whether a stored page changed anything, so the end of the run asks for a re-score.
        self.changed: set[int] = set()

    # --- what a network writes -----------------------------------------------------------
    def token_expired(self) -> bool:
        return False

    def refresh(self) -> None:
        """Get fresh tokens and store them (``self.account`` holds them afterwards)."""
        raise ConnectorError(f"{self.network_label} tokens cannot be refreshed", permanent=True, auth=True)

    def steps(self) -> None:
        raise NotImplementedError

    # --- the run ---------------------------------------------------------------------------
    def run_all(self) -> SyncOutcome:
        started = time.monotonic()
        self.started = self.policy.clock()
        try:
            if token_undecryptable(self.account.access_token) or token_undecryptable(
                self.account.refresh_token
            ):
                raise ConnectorError(
                    f"the stored access to {self.network_label} can no longer be read "
                    "(this server's keys changed)",
                    permanent=True,
                    auth=True,
                )
            if self.token_expired():
                self._refresh()
            self.client = self.client_factory(self.account.access_token)
            self.steps()
        except ConnectorError as error:
            return self._stop(error, started)
        except LeaseLost:
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
        label = self.network_label
        if error.permanent and error.auth:
            handle = self.account.identity.handle or self.user_id
            message = RECONNECT_MESSAGE.format(network=label, handle=handle)
            self._release(last_error=message, status=ConnectedAccount.Status.REVOKED)
        elif error.permanent:
            message = f"{label} refused the sync: {error.message}"
            self._release(last_error=message, status=ConnectedAccount.Status.ERROR)
        else:
            message = (
                f"The sync stopped on a temporary {label} failure ({error.message}); "
                "it will resume from there."
            )
            self._release(last_error=message)
        log.warning("%s sync of account %s stopped: %r", label, self.account.pk, error)
        self._finish_run(SyncRun.Status.FAILED, started, error.message)
        retry_after = (
            None if error.permanent else (error.retry_after if error.retry_after is not None else 60.0)
        )
        return SyncOutcome(run=self.run, retry_after=retry_after)

    # --- plumbing for the steps ------------------------------------------------------------
    def fetch(self, call: str, **kwargs: Any) -> dict:
        """Call the client method named ``call``, retrying transient failures within the policy."""
        attempt = 0
        while True:
            attempt += 1
            if self.policy.clock() - self.started > self.policy.budget:
                raise ConnectorError(
                    f"this run took its {self.policy.budget / 60:.0f} minutes; the next one resumes",
                    permanent=False,
                    retry_after=60.0,
                )
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
        if error.retry_after is not None and error.retry_after > self.policy.max_wait:
            return None  # asked to wait longer than a run may (a quota that comes back tomorrow)
        if error.status == 429:
            wait = (error.retry_after if error.retry_after is not None else 60.0) + 1.0
            return wait if wait <= self.policy.max_wait else None
        return min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_wait)

    def _refresh(self) -> None:
        self.refreshed = True
        self.refresh()

    def store(self, batch: Batch, *, cursor: dict[str, Any] | None = None) -> None:
        """Store a page and move the cursor past it, together or not at all."""
        new_cursor = {**self.cursor, **(cursor or {})}
        with transaction.atomic():
            result = ingest_batch(batch=batch, provenance=FETCHED) if len(batch) else IngestResult()
            # A public account's read (no connected account) keeps its cursor for the run only.
            if cursor is not None and self.account.pk is not None:
                moved = ConnectedAccount.objects.filter(
                    pk=self.account.pk, cursor__lease__token=self.lease
                ).update(cursor=new_cursor)
                if moved != 1:
                    raise LeaseLost
        self.cursor = new_cursor
        self.stats["pages"] += 1 if len(batch) or cursor is not None else 0
        self.stats["identities"] += result.identities.new
        self.stats["posts"] += result.posts.new
        self.stats["interactions"] += result.interactions.new
        self.stats["duplicates"] += result.duplicates
        self.stats["rejected"] += result.rejected
        self.changed |= result.changed_identity_ids

    def newest_first_pass(
        self,
        key: str,
        *,
        page: Callable[[str | None], dict],
        times: Callable[[dict], list[str]],
        batch: Callable[[dict, set[str]], Batch],
        next_token: Callable[[dict], str | None],
    ) -> None:
        """Read a list the network serves newest first, page by page, back to the newest item of
        the last complete pass, with the cursor ``key`` moved with each stored page.

        ``page(token)`` fetches a page; ``times(page)`` is when each of its items was made, as
        sent; ``batch(page, fresh)`` its records, ``fresh`` being the times of the items new
        since the last pass; ``next_token(page)`` the token of the next page, if any. The pass
        ends at the first page that holds an item it already had, or at the list's end; only
        then does the newest time of the pass become the next pass's limit, so that items made
        while a pass is half done are read by the next one.
        """
        state = dict(self.cursor.get(key) or {})
        since = parse_time(state.get("since"))
        for _ in range(self.policy.max_pages):
            current = page(state.get("next"))
            stamps = [t for t in times(current) if parse_time(t) is not None]
            fresh = [t for t in stamps if since is None or parse_time(t) > since]
            token = next_token(current)
            known = [state["newest"]] if state.get("newest") else []
            newest = max(fresh + known, key=parse_time, default=None)
            if token and len(fresh) == len(stamps):
                new_state = {**state, "next": token, "newest": newest}
            else:
                new_state = {"since": newest or state.get("since"), "next": None, "newest": None}
            self.store(batch(current, set(fresh)), cursor={key: new_state})
            state = new_state
            if new_state["next"] is None:
                return

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


def public_account_sync(
    *,
    sync_class: type[AccountSync],
    run_source: str,
    network: str,
    external_id: str,
    server: str = "",
    policy: SyncPolicy | None = None,
    client_factory: Callable[[str], Any],
) -> SyncOutcome:
    """Read a public account of no member, with no token, through a network's sync steps: what
    ``manage.py sync_identity`` does for an operator scoring a public figure. Nothing is leased
    (nothing is connected) and the cursor lasts the run; the run is recorded like any other."""
    from connectors.models import Identity, Tombstone, tombstone_digest

    if Tombstone.objects.filter(digest=tombstone_digest(network=network, external_id=external_id)).exists():
        raise PublicAccountRefused(f"{external_id} has opted out of Klout: it is not read again.")
    identity = Identity.objects.filter(network=network, external_id=external_id).first()
    if identity is not None and identity.member_id is not None:
        raise PublicAccountRefused(
            f"{external_id} belongs to a Klout member, whose own connection reads it (and whose "
            "privacy choices stand)."
        )
    standin = ConnectedAccount(
        network=network,
        identity=identity or Identity(network=network, external_id=external_id),
        server=server,
    )
    run = SyncRun.objects.create(source=run_source, status=SyncRun.Status.RUNNING, started_at=timezone.now())
    sync = sync_class(
        account=standin, run=run, lease="", policy=policy or SyncPolicy(), client_factory=client_factory
    )
    return sync.run_all()


class PublicAccountRefused(Exception):
    """A public account that may not be read: opted out, or a member's."""


# --- what every network's Celery tasks share ----------------------------------------------------

# A retry never waits longer than this, whatever the network's rate-limit window says: the
# hourly fan-out picks the account up again anyway.
MAX_RETRY_COUNTDOWN = 3600


def sync_task_result(task, *, account_id: int, outcome: SyncOutcome) -> dict:
    """What an account's sync task returns, or a retry (``task.retry`` raises) when the run
    stopped on a transient failure with its cursor saved, within the task's ``max_retries``."""
    if outcome.run is None:
        return {"account_id": account_id, "skipped": "not active, or another sync holds it"}
    if outcome.retry_after is not None and task.request.retries < task.max_retries:
        raise task.retry(countdown=min(outcome.retry_after, MAX_RETRY_COUNTDOWN))
    return {"account_id": account_id, "run_id": outcome.run.pk, "status": outcome.run.status}


def sync_tasks_queue(task, accounts, *, label: str) -> int:
    """Queue ``task`` for each of ``accounts`` (a queryset); the hourly fan-out."""
    ids = list(accounts.values_list("pk", flat=True))
    for account_id in ids:
        task.delay(account_id)
    log.info("queued %d %s account syncs", len(ids), label)
    return len(ids)
