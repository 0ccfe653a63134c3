import pytest
from django_celery_beat.models import PeriodicTask

from klout.celery import app
from klout.schedules import PERIODIC_TASKS
from klout.services import periodic_tasks_sync

pytestmark = pytest.mark.django_db


def test_every_declared_schedule_names_a_registered_task():
    app.loader.import_default_modules()
    for schedule in PERIODIC_TASKS:
        assert schedule.task in app.tasks, f"{schedule.name}: no task {schedule.task}"


def test_sync_writes_the_schedules_once_and_keeps_an_operators_pause():
    periodic_tasks_sync()
    assert PeriodicTask.objects.count() == len(PERIODIC_TASKS)
    first = PeriodicTask.objects.get(name=PERIODIC_TASKS[0].name)
    first.enabled = False
    first.save()
    periodic_tasks_sync()
    assert PeriodicTask.objects.count() == len(PERIODIC_TASKS)
    assert PeriodicTask.objects.get(name=PERIODIC_TASKS[0].name).enabled is False
