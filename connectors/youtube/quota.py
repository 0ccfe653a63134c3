"""YouTube's daily quota: spent before each call, shared by every sync of this server.

The Data API gives the operator's Google project ``YOUTUBE_DAILY_QUOTA`` units a day (10,000
unless Google raised it), reset at midnight Pacific time. Each call the sync makes costs one.
``DailyQuota.spend`` takes units from the day's ledger (``ApiQuotaDay``) with a conditional
UPDATE, so two syncs at once cannot overspend; when the day's units are gone, the call is not
made and the sync stops with its cursor saved, to resume when the quota comes back. One run may
spend at most ``YOUTUBE_SYNC_UNITS`` of them, and one channel's runs together at most
``YOUTUBE_ACCOUNT_DAILY_UNITS`` a day, so that one channel with many comments (or a member
pressing "sync now") cannot starve the others: the run ends there, and a later one resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from connectors.errors import ConnectorError
from connectors.models import ApiQuotaDay

NETWORK = "youtube"
DEFAULT_DAILY_QUOTA = 10_000
DEFAULT_SYNC_UNITS = 200
DEFAULT_ACCOUNT_DAILY_UNITS = 1000


def _pacific() -> tzinfo:
    try:
        return ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # a system without the time zone database: standard time
        return timezone(timedelta(hours=-8))


def quota_day(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(_pacific()).date()


def quota_day_end(now: datetime | None = None) -> datetime:
    """The next midnight in California, when the day's units come back."""
    day = quota_day(now) + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=_pacific())


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    current = now or datetime.now(UTC)
    return max(60.0, (quota_day_end(current) - current).total_seconds())


def daily_quota() -> int:
    return int(getattr(settings, "YOUTUBE_DAILY_QUOTA", DEFAULT_DAILY_QUOTA))


def account_daily_units() -> int:
    """The most one channel's syncs may spend in a day, "sync now" included."""
    return int(getattr(settings, "YOUTUBE_ACCOUNT_DAILY_UNITS", DEFAULT_ACCOUNT_DAILY_UNITS))


def units_spent_today() -> int:
    row = ApiQuotaDay.objects.filter(network=NETWORK, day=quota_day()).values_list("units", flat=True).first()
    return row or 0


class RunUnitsSpent(Exception):
    """This run has spent its share of the day's units: it ends, and the next run resumes."""


@dataclass
class DailyQuota:
    """What one run may spend: its own share, within what the day has left."""

    run_units: int
    spent: int = 0

    @classmethod
    def for_run(cls) -> DailyQuota:
        return cls(run_units=int(getattr(settings, "YOUTUBE_SYNC_UNITS", DEFAULT_SYNC_UNITS)))

    def spend(self, units: int) -> None:
        if self.spent + units > self.run_units:
            raise RunUnitsSpent
        if not _take(units, limit=daily_quota()):
            raise ConnectorError(
                "this server's daily YouTube quota is used up; the sync resumes when it comes back "
                "(midnight, Pacific time)",
                permanent=False,
                retry_after=seconds_until_quota_reset(),
            )
        self.spent += units


def _take(units: int, *, limit: int) -> bool:
    day = quota_day()
    rows = ApiQuotaDay.objects.filter(network=NETWORK, day=day, units__lte=limit - units)
    if rows.update(units=F("units") + units):
        return True
    if ApiQuotaDay.objects.filter(network=NETWORK, day=day).exists():
        return False  # the day's row is there, and full
    if units > limit:
        return False
    try:
        with transaction.atomic():
            ApiQuotaDay.objects.create(network=NETWORK, day=day, units=units)
        return True
    except IntegrityError:  # another sync made the day's row first: spend from it
        return bool(rows.update(units=F("units") + units))
