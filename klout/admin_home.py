"""The admin's home: the day's figures an operator looks at first, above the list of models.

Six small queries, each a count or a maximum the tables' indexes answer: the home page is opened
often, and must stay quick on a database of millions of identities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Brand, Member
from connectors.models import Identity, SyncRun, Tombstone
from scoring.models import ScoreRun

# Runs a worker holds or will pick up; one that stays here for long is stuck.
ACTIVE_RUNS = [SyncRun.Status.RECEIVING, SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]


@dataclass(frozen=True)
class AdminFigures:
    members: int
    members_new: int
    members_opted_out: int
    brands: int
    identities_opted_out: int
    identities_by_network: list[tuple[str, int]]
    imports_active: int
    imports_failed: int
    imports_succeeded: int
    newest_score_day: date | None
    score_runs_failed: int
    today: date

    @property
    def scores_late(self) -> bool:
        """Scores are computed every night: a newest day before yesterday means a night was missed."""
        return self.newest_score_day is None or self.newest_score_day < self.today - timedelta(days=1)


def admin_figures(*, now: datetime | None = None) -> AdminFigures:
    """Today's figures: people, networks, imports and scores over the last 24 hours."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    members = Member.objects.aggregate(
        total=Count("id"),
        new=Count("id", filter=Q(created_at__gte=since)),
        opted_out=Count("id", filter=Q(opted_out_at__isnull=False)),
    )
    imports = SyncRun.objects.filter(Q(status__in=ACTIVE_RUNS) | Q(created_at__gte=since)).aggregate(
        active=Count("id", filter=Q(status__in=ACTIVE_RUNS)),
        failed=Count("id", filter=Q(status=SyncRun.Status.FAILED, created_at__gte=since)),
        succeeded=Count("id", filter=Q(status=SyncRun.Status.SUCCEEDED, created_at__gte=since)),
    )
    scores = ScoreRun.objects.aggregate(
        newest=Max("day", filter=Q(status=ScoreRun.Status.SUCCEEDED)),
        failed=Count("id", filter=Q(status=ScoreRun.Status.FAILED, started_at__gte=since)),
    )
    by_network = Identity.objects.values_list("network").annotate(n=Count("id")).order_by("network")
    return AdminFigures(
        members=members["total"],
        members_new=members["new"],
        members_opted_out=members["opted_out"],
        brands=Brand.objects.count(),
        identities_opted_out=Tombstone.objects.count(),
        identities_by_network=list(by_network),
        imports_active=imports["active"],
        imports_failed=imports["failed"],
        imports_succeeded=imports["succeeded"],
        newest_score_day=scores["newest"],
        score_runs_failed=scores["failed"],
        today=timezone.localdate(now),
    )


def index_with_figures(index: Callable) -> Callable:
    """The admin site's index view, given the figures; the admin still checks that the user is staff first."""

    @wraps(index)
    def view(request, extra_context=None):
        return index(request, extra_context={"figures": admin_figures(), **(extra_context or {})})

    return view
