"""Daily score snapshots over a span of days, whole (score with its signal and network parts),
as the history API gives them; the pages' charts read the lighter ``member_score_history``."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Member
from connectors.models import Identity
from scoring.models import IdentityScore, MemberScore

# The longest span one request reads: a year of daily points.
SPAN_MAX_DAYS = 366
SPAN_DEFAULT_DAYS = 90


def history_span(*, since: date | None, until: date | None) -> tuple[date, date]:
    """The days asked for, defaulting to the last ``SPAN_DEFAULT_DAYS`` and cut to the last
    ``SPAN_MAX_DAYS`` (as a chart's "all" would be); a clear error for a span backwards."""
    until = until or timezone.now().date()
    since = since or until - timedelta(days=SPAN_DEFAULT_DAYS - 1)
    if since > until:
        raise ValidationError({"from": ["The first day comes after the last."]})
    return max(since, until - timedelta(days=SPAN_MAX_DAYS - 1)), until


def identity_score_days(*, identity: Identity, since: date, until: date) -> list[IdentityScore]:
    """The identity's snapshots from ``since`` to ``until``, oldest first (one query)."""
    return list(IdentityScore.objects.filter(identity=identity, day__range=(since, until)).order_by("day"))


def member_score_days(*, member: Member, since: date, until: date) -> list[MemberScore]:
    """The member's snapshots from ``since`` to ``until``, oldest first (one query)."""
    return list(MemberScore.objects.filter(member=member, day__range=(since, until)).order_by("day"))
