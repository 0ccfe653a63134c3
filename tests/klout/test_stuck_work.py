"""Stuck work recovers: a broker that is down, a worker killed mid-task, a message lost."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from connectors import tasks as connector_tasks
from connectors.models import ConnectedAccount, Identity, Interaction, SyncRun
from klout.queue import QUEUE_DOWN_MESSAGE
from klout.tasks import stuck_work_sweep
from privacy import tasks as privacy_tasks
from privacy.models import DataExport
from scoring.models import ScoreRun
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

LINE = {
    "network": "x",
    "kind": "like",
    "actor": {"id": "1"},
    "target": {"id": "2"},
    "post_id": "3",
    "occurred_at": "2024-01-01T00:00:00Z",
}
LONG_AGO = timedelta(hours=3)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def member_client(client):
    member = MemberFactory()
    client.force_login(member.user)
    client.member = member
    return client


def _broker_down(monkeypatch, task) -> None:
    def refuse(*args, **kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "delay", refuse)


# --- the broker is down ------------------------------------------------------------------------


def test_an_upload_with_the_broker_down_fails_clearly_and_keeps_no_file(
    member_client, monkeypatch, django_capture_on_commit_callbacks
):
    _broker_down(monkeypatch, connector_tasks.import_run_task)
    with django_capture_on_commit_callbacks(execute=True):
        redirect = member_client.post(
            reverse("connectors:activity_upload"),
            {"file": SimpleUploadedFile("a.jsonl", (json.dumps(LINE) + "\n").encode())},
        )
    response = member_client.get(redirect.url)

    assert response.status_code == 200
    run = SyncRun.objects.get()
    assert (run.status, run.error) == (SyncRun.Status.FAILED, QUEUE_DOWN_MESSAGE)
    assert not default_storage.exists(run.upload_path)
    assert "job queue is not reachable" in response.content.decode()


def test_an_export_with_the_broker_down_fails_and_can_be_asked_for_again(
    member_client, monkeypatch, django_capture_on_commit_callbacks
):
    _broker_down(monkeypatch, privacy_tasks.data_export_build_task)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("privacy:export"), follow=True)
    assert response.status_code == 200
    failed = DataExport.objects.get()
    assert (failed.status, failed.error) == (DataExport.Status.FAILED, QUEUE_DOWN_MESSAGE)

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("privacy:export"))
    assert DataExport.objects.exclude(pk=failed.pk).get().status == DataExport.Status.READY


def test_sync_now_with_the_broker_down_says_so(member_client, monkeypatch):
    from connectors.twitter import tasks as x_tasks

    identity = Identity.objects.create(network="x", external_id="1", handle="me", member=member_client.member)
    account = ConnectedAccount.objects.create(member=member_client.member, identity=identity, network="x")
    _broker_down(monkeypatch, x_tasks.x_account_sync_task)
    response = member_client.post(reverse("connect:sync_now", args=[account.pk]), follow=True)
    assert response.status_code == 200
    assert "job queue is not reachable" in response.content.decode()


# --- the sweeper -------------------------------------------------------------------------------


def _stuck_upload(member, *, status: str, attempts: int) -> SyncRun:
    # The line's target is the member's own account: an upload describes only those.
    Identity.objects.get_or_create(network="x", external_id="2", defaults={"member": member})
    path = default_storage.save(
        f"imports/{member.pk}/upload.jsonl", SimpleUploadedFile("a", json.dumps(LINE).encode())
    )
    run = SyncRun.objects.create(
        member=member, source="jsonl", status=status, upload_path=path, attempts=attempts
    )
    SyncRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - LONG_AGO, started_at=timezone.now() - LONG_AGO
    )
    return run


def test_an_import_whose_worker_was_killed_runs_again_and_completes():
    run = _stuck_upload(MemberFactory(), status=SyncRun.Status.RUNNING, attempts=1)

    counts = stuck_work_sweep()

    run.refresh_from_db()
    assert counts["runs_requeued"] == 1
    assert (run.status, run.attempts) == (SyncRun.Status.SUCCEEDED, 2)
    assert Interaction.objects.count() == 1


def test_an_import_interrupted_twice_fails_and_its_file_is_deleted():
    run = _stuck_upload(MemberFactory(), status=SyncRun.Status.RUNNING, attempts=2)

    assert stuck_work_sweep()["runs_failed"] == 1

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and "Nothing of it was stored" in run.error
    assert not default_storage.exists(run.upload_path)


def test_an_upload_whose_message_was_lost_is_sent_again():
    run = _stuck_upload(MemberFactory(), status=SyncRun.Status.QUEUED, attempts=0)
    stuck_work_sweep()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED


def test_recent_work_is_left_alone():
    member = MemberFactory()
    run = SyncRun.objects.create(member=member, source="jsonl", status=SyncRun.Status.RUNNING)
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    assert stuck_work_sweep() == dict.fromkeys(
        ("runs_requeued", "runs_failed", "exports_requeued", "exports_failed", "score_runs_failed"), 0
    )
    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING


def test_an_api_sync_and_a_score_run_left_running_are_marked_failed():
    sync = SyncRun.objects.create(source="x_api", status=SyncRun.Status.RUNNING)
    SyncRun.objects.filter(pk=sync.pk).update(started_at=timezone.now() - LONG_AGO)
    score_run = ScoreRun.objects.create(
        kind=ScoreRun.Kind.FULL, day=timezone.now().date(), model_version="v1"
    )
    ScoreRun.objects.filter(pk=score_run.pk).update(started_at=timezone.now() - LONG_AGO)

    counts = stuck_work_sweep()

    assert (counts["runs_failed"], counts["score_runs_failed"]) == (1, 1)
    sync.refresh_from_db()
    score_run.refresh_from_db()
    assert sync.status == SyncRun.Status.FAILED and "resumes" in sync.error
    assert score_run.status == ScoreRun.Status.FAILED


def test_an_export_left_building_is_built_again():
    member = MemberFactory()
    export = DataExport.objects.create(user=member.user, status=DataExport.Status.RUNNING, attempts=1)
    DataExport.objects.filter(pk=export.pk).update(started_at=timezone.now() - LONG_AGO)

    assert stuck_work_sweep()["exports_requeued"] == 1

    export.refresh_from_db()
    assert export.status == DataExport.Status.READY


def test_the_sweeper_is_scheduled():
    from klout.schedules import PERIODIC_TASKS

    assert "klout.tasks.stuck_work_sweep" in {schedule.task for schedule in PERIODIC_TASKS}
