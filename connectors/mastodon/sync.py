"""Periodic sync of one connected Mastodon account: ``mastodon_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what Mastodon adds, on the member's own server:

1. The account (``verify_credentials``): its counts, and a check that the token is still the
   account's.
2. Its statuses and the mentions of it (notifications), each a pass that pages back from the
   newest with ``since_id`` and ``max_id``: ``since_id`` moves to the newest id only once a
   pass is complete, so nothing posted while a pass is half done is missed.
3. For its recent statuses (the last week, at most ``engagement_posts``): who favourited and
   who reblogged each, its replies (the context) and its quotes where the server has them.
   These lists have no "since", so they are read again each run (the ingest path's natural
   keys make that harmless).

The server's rate limit is the client's (``X-RateLimit-*``): a 429, or a call with none left,
waits for the reset within the policy, or stops the run until then with its cursor saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from connectors.errors import ConnectorError
from connectors.json_values import parse_time
from connectors.mastodon.client import MastodonClient, Page
from connectors.mastodon.parser import (
    NETWORK,
    account_id,
    account_is_local,
    newest_id,
    parse_account,
    parse_context,
    parse_mentions,
    parse_reactors,
    parse_statuses,
    status_id_valid,
)
from connectors.mastodon.source import SOURCE
from connectors.records import Batch
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync, public_account_sync

ENGAGEMENT_WINDOW = timedelta(days=7)

ClientFactory = Callable[[str, str], MastodonClient]  # (access token, server) -> client


def _default_client(access_token: str, host: str) -> MastodonClient:
    return MastodonClient(host=host, access_token=access_token)


# A server a member names may answer every call with a long wait: the run waits a little, then
# stops with its cursor saved and lets the task retry later, rather than hold a worker.
MAX_WAIT = 120.0


def mastodon_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    factory = client_factory or _default_client
    return account_sync(
        account_id=account_id,
        sync_class=MastodonSync,
        run_source=SOURCE.sync.run_source,
        policy=policy or SyncPolicy(max_wait=MAX_WAIT),
        client_factory=factory,
    )


class MastodonSync(AccountSync):
    network = NETWORK
    network_label = "Mastodon"

    def __post_init__(self) -> None:
        super().__post_init__()
        factory, host = self.client_factory, self.account.server
        self.client_factory = lambda token: factory(token, host)
        self.host = host
        self.stats["skipped_posts"] = 0

    def steps(self) -> None:
        local_id = self._account()
        self._pass("statuses", lambda **kw: self.fetch("statuses", account_id=local_id, **kw), parse_statuses)
        self._pass("mentions", lambda **kw: self.fetch("mentions", **kw), parse_mentions)
        self._engagement()

    # --- steps -------------------------------------------------------------------------
    def _account(self) -> str:
        me = self.fetch("me")
        if (
            account_id(me, home=self.host) != self.user_id
            or not account_is_local(me, home=self.host)
            or not status_id_valid(me.get("id"))
        ):
            raise ConnectorError(
                f"the stored token belongs to another Mastodon account (@{me.get('acct')})",
                permanent=True,
                auth=True,
            )
        self.store(parse_account(me, home=self.host))
        return me["id"]

    def _pass(self, key: str, call: Callable[..., Page], parse: Callable[..., Batch]) -> None:
        state = dict(self.cursor.get(key) or {})
        for _ in range(self.policy.max_pages):
            page = call(since_id=state.get("since_id"), max_id=state.get("next"))
            newest = newest_id(page.items)
            new_state = dict(state)
            if newest and (not state.get("newest") or int(newest) > int(state["newest"])):
                new_state["newest"] = newest
            more = bool(page.items) and status_id_valid(page.next_max_id)
            if more:
                new_state["next"] = page.next_max_id
            else:
                new_state = {
                    "since_id": new_state.get("newest") or state.get("since_id"),
                    "next": None,
                    "newest": None,
                }
            cursor = {key: new_state}
            if key == "statuses":
                cursor["recent"] = self._recent(page.items)
            self.store(parse(page.items, home=self.host), cursor=cursor)
            state = new_state
            if not more:
                break

    def _recent(self, statuses: list[dict]) -> dict[str, list[str]]:
        """The member's latest statuses (not reblogs) by uri: their id on the server and time,
        which the engagement step needs and the stored post does not hold."""
        recent = dict(self.cursor.get("recent") or {})
        for status in statuses:
            if status.get("reblog") or not isinstance(status.get("uri"), str):
                continue
            if not status_id_valid(status.get("id")):
                continue
            recent[status["uri"]] = [str(status["id"]), str(status.get("created_at") or "")]
        valid = [(uri, ids) for uri, ids in recent.items() if status_id_valid(ids[0])]
        newest = sorted(valid, key=lambda item: int(item[1][0]))
        return dict(newest[-self.policy.engagement_posts :])

    def _engagement(self) -> None:
        since = timezone.now() - ENGAGEMENT_WINDOW
        for uri, (local_id, created) in (self.cursor.get("recent") or {}).items():
            created_at = parse_time(created)
            if created_at is None or created_at < since or not status_id_valid(local_id):
                continue
            try:
                self._reactions(uri=uri, local_id=local_id, created_at=created_at)
            except ConnectorError as error:
                if error.permanent and not error.auth and error.status in (404, 410):
                    self.stats["skipped_posts"] += 1  # deleted since we read it
                    continue
                raise

    def _reactions(self, *, uri: str, local_id: str, created_at: datetime) -> None:
        for kind, call in (("like", "favourited_by"), ("repost", "reblogged_by")):
            max_id = None
            for _ in range(self.policy.max_pages):
                page = self.fetch(call, status_id=local_id, max_id=max_id)
                self.store(
                    parse_reactors(
                        page.items, kind=kind, post_id=uri, post_author_id=self.user_id,
                        post_created_at=created_at, home=self.host,
                    )
                )  # fmt: skip
                max_id = page.next_max_id
                if not page.items or not status_id_valid(max_id):
                    break
        status = {"id": local_id, "uri": uri, "account": {"acct": self.user_id}}
        self.store(parse_context(self.fetch("context", status_id=local_id), status=status, home=self.host))
        if self.cursor.get("quotes_unsupported"):
            return
        try:
            page = self.fetch("quotes", status_id=local_id)
        except ConnectorError as error:
            if error.permanent and not error.auth and error.status == 404:
                # Quotes came with Mastodon 4.5: an older server has no such list.
                self.store(Batch(), cursor={"quotes_unsupported": True})
                return
            raise
        self.store(parse_statuses(page.items, home=self.host))


class MastodonPublicSync(MastodonSync):
    """A public account of no member, on its own server, with no token: its statuses and who
    reacted to them (mentions are notifications, which only the account itself can read)."""

    def steps(self) -> None:
        found = self.fetch("account_lookup", acct=self.user_id.split("@", 1)[0])
        if (
            account_id(found, home=self.host) != self.user_id
            or not account_is_local(found, home=self.host)
            or not status_id_valid(found.get("id"))
        ):
            raise ConnectorError(
                f"{self.host} answered for another account than @{self.user_id}", permanent=True
            )
        self.store(parse_account(found, home=self.host))
        local_id = found["id"]
        self._pass("statuses", lambda **kw: self.fetch("statuses", account_id=local_id, **kw), parse_statuses)
        self._engagement()


def mastodon_public_sync(handle: str) -> SyncOutcome:
    """Read the public Mastodon account ``handle`` (``user@server``) from its own server."""
    from connectors.mastodon.profile import handle_normalize

    address = handle_normalize(handle)
    return public_account_sync(
        sync_class=MastodonPublicSync,
        run_source=SOURCE.sync.run_source,
        network=NETWORK,
        external_id=address,
        server=address.split("@", 1)[1],
        policy=SyncPolicy(max_wait=MAX_WAIT),
        client_factory=lambda token, host: MastodonClient(host=host),
    )
