"""Periodic sync of one connected Foursquare account: ``foursquare_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what Foursquare adds:

1. The member's profile (friends, check-ins), checking the token is still theirs.
2. Check-ins by ``afterTimestamp``, oldest first, page by page by ``offset``; the cursor keeps the
   newest check-in stored. Each run starts a week before it, so that the likes and comments of
   recent check-ins are read again (ingest's natural keys make that harmless).
3. The member's tips, newest first, a few pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.foursquare.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, PAGE_SIZE, FoursquareClient
from connectors.foursquare.parser import (
    NETWORK,
    checkin_items,
    checkin_time,
    parse_checkins,
    parse_me,
    parse_tips,
    tip_items,
)
from connectors.foursquare.source import SOURCE
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync

# Likes and comments come to a check-in in its first days: a week of them is read again each run.
REREAD_SECONDS = 7 * 24 * 3600
TIP_PAGES = 2

ClientFactory = Callable[[str], FoursquareClient]


def _default_client(access_token: str) -> FoursquareClient:
    timeout = float(getattr(settings, "FOURSQUARE_API_TIMEOUT_SECONDS", DEFAULT_TIMEOUT[1]))
    return FoursquareClient(
        access_token=access_token,
        base_url=getattr(settings, "FOURSQUARE_API_BASE_URL", "") or DEFAULT_BASE_URL,
        timeout=(min(5.0, timeout), timeout),
    )


def foursquare_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=FoursquareSync,
        run_source=SOURCE.sync.run_source,
        policy=policy,
        client_factory=client_factory or _default_client,
    )


class FoursquareSync(AccountSync):
    network = NETWORK
    network_label = "Foursquare"

    def steps(self) -> None:
        me = self.fetch("me")
        batch = parse_me(me)
        if [r.external_id for r in batch.identities] != [self.user_id]:
            raise ConnectorError(
                "the stored token belongs to another Foursquare account", permanent=True, auth=True
            )
        self.store(batch)
        self._checkins()
        self._tips()

    def _checkins(self) -> None:
        newest = self.cursor.get("checkins_after")
        after = None if newest is None else max(0, int(newest) - REREAD_SECONDS)
        # The first run reads the account's whole history, oldest first, a page at a time.
        offset = 0
        for _ in range(self.policy.max_pages):
            page = self.fetch("checkins", after=after, offset=offset)
            items = checkin_items(page)
            times = [t for t in (checkin_time(i) for i in items) if t is not None]
            moved = max([*times, int(newest)] if newest is not None else times, default=None)
            self.store(parse_checkins(page, member_id=self.user_id), cursor={"checkins_after": moved})
            newest = moved
            if len(items) < PAGE_SIZE:
                return
            offset += len(items)
        # Stopped at max_pages: the next run goes on from the newest stored, less the re-read week.

    def _tips(self) -> None:
        offset = 0
        for _ in range(TIP_PAGES):
            page = self.fetch("tips", offset=offset)
            self.store(parse_tips(page, member_id=self.user_id))
            if tip_items(page) < PAGE_SIZE:
                return
            offset += PAGE_SIZE
