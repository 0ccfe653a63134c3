from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from klout.schedules import PERIODIC_TASKS, Schedule


def periodic_tasks_sync(schedules: list[Schedule] = PERIODIC_TASKS) -> list[PeriodicTask]:
    """Upsert the declared schedules into django-celery-beat; running it twice changes nothing.

    An operator's choice to disable a task in the admin is kept.
    """
    tasks = []
    with transaction.atomic():
        for schedule in schedules:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week=schedule.day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
            task, _ = PeriodicTask.objects.update_or_create(
                name=schedule.name,
                defaults={"task": schedule.task, "crontab": crontab, "description": schedule.description},
            )
            tasks.append(task)
    return tasks
