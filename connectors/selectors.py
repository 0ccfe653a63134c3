"""Reads of the connectors app, with the access check every view goes through."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from connectors.models import SyncRun


def sync_run_get_for_user(*, user: User, run_id: int) -> SyncRun:
    """A run of the caller's own imports; 404 for anyone else's, so ids cannot be probed."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    run = SyncRun.objects.filter(pk=run_id, member=member).first() if member else None
    if run is None:
        raise Http404("No such import")
    return run


def sync_run_status(*, run: SyncRun) -> dict:
    """What the status page polls: a small JSON document."""
    stats = run.stats or {}
    return {
        "id": run.pk,
        "source": run.source,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "finished": run.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED),
        "stats": {
            key: stats.get(key) for key in ("read", "imported", "duplicates", "rejected") if key in stats
        },
    }
