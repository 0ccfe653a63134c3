"""Every periodic task of the service, declared in one place.

``python manage.py setup_periodic_tasks`` writes these into django-celery-beat's tables,
where the admin shows them (and where an operator may pause one). Beat reads them from
the database (DatabaseScheduler). Times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors import registry


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    description: str = ""


PERIODIC_TASKS: list[Schedule] = [
    Schedule(
        name="Expire old brand invitations",
        task="accounts.tasks.brand_invitations_expire_task",
        minute="15",
        hour="3",
        description="Revokes pending team invitations whose link has expired.",
    ),
    Schedule(
        name="Clear expired sessions",
        task="klout.tasks.sessions_clear",
        minute="30",
        hour="3",
        description="Deletes expired sign-in sessions from the database.",
    ),
    Schedule(
        name="Recover stuck work",
        task="klout.tasks.stuck_work_sweep",
        minute="*/10",
        description="Re-queues or fails imports, exports and score runs left queued or running by a "
        "stopped worker or a lost message.",
    ),
    Schedule(
        name="Re-score what changed",
        task="scoring.tasks.score_changes_drain",
        minute="*",
        description="Re-scores the identities whose data a sync or an import changed, when the drain "
        "asked for after it did not run (the broker was down, or the drain failed).",
    ),
    Schedule(
        name="Recompute every score",
        task="scoring.tasks.score_recompute_daily",
        minute="0",
        hour="2",
        description="Scores every tracked identity and member and stores the day's snapshots.",
    ),
]

# Each API sync's hourly fan-out over the accounts connected to it (connectors.registry).
PERIODIC_TASKS.extend(
    Schedule(
        name=source.sync.schedule_name,
        task=source.sync.all_accounts_task,
        minute=source.sync.minute,
        hour="*",
        description=source.sync.schedule_description,
    )
    for source in registry.sources()
    if source.sync
)

# --- Perks ---------------------------------------------------------------------------------------
PERIODIC_TASKS.append(
    Schedule(
        name="End perks past their last day",
        task="perks.tasks.perks_end",
        minute="20",
        hour="0",
        description="Closes published perks whose end date has passed and expires the offers nobody took up.",
    )
)

# --- Privacy -----------------------------------------------------------------------------------
PERIODIC_TASKS.extend(
    [
        Schedule(
            name="Expire data exports and opt-out codes",
            task="privacy.tasks.data_exports_expire_task",
            minute="20",
            hour="*",
            description="Deletes data-export zips past their expiry and forgets expired opt-out requests.",
        ),
        Schedule(
            name="Check pending opt-out codes",
            task="privacy.tasks.optout_challenges_check_due_task",
            minute="*/5",
            hour="*",
            description="Reads the bios of accounts with a pending opt-out code; opts them out when found.",
        ),
    ]
)
