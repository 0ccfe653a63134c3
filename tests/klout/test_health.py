import pytest
from django.core import mail

from klout.mail import email_queue
from klout.tasks import ping

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker_as_json(client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert set(body["checks"]) == {"database", "broker"}


def test_health_page_renders_for_people(client):
    response = client.get("/health/")
    assert "Service status" in response.content.decode()


def test_queued_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(EmailMessage("Hi", "Body", "from@example.com", ["to@example.com"]))
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["Hi"]


def test_ping_task_answers():
    assert ping.delay().get()["pong"] is True


def test_anyone_sees_whether_parts_are_up_but_not_their_details(client, monkeypatch):
    from klout import health

    monkeypatch.setattr(
        health,
        "check_database",
        lambda: {
            "ok": False,
            "detail": 'OperationalError: connection to server at "db.internal" (10.0.0.5), '
            'port 5432 failed: FATAL: role "klout_admin" does not exist',
        },
    )
    body = client.get("/health/", HTTP_ACCEPT="application/json").json()
    assert body["checks"]["database"] == {"ok": False}
    page = client.get("/health/").content.decode()
    assert "db.internal" not in page and "klout_admin" not in page and "Failing" in page


def test_only_staff_or_the_status_token_may_make_the_page_wait_for_a_worker(client, settings, monkeypatch):
    from klout import health
    from tests.factories import UserFactory

    sent = []
    monkeypatch.setattr(health, "check_worker", lambda: sent.append(1) or {"ok": True, "detail": "w1"})
    settings.HEALTH_CHECK_TOKEN = "monitor-token"
    assert "worker" not in client.get("/health/?worker=1", HTTP_ACCEPT="application/json").json()["checks"]
    wrong = client.get("/health/?worker=1", HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION="Bearer nope")
    assert "worker" not in wrong.json()["checks"] and sent == []
    monitor = client.get(
        "/health/?worker=1", HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION="Bearer monitor-token"
    ).json()
    assert monitor["checks"]["worker"] == {"ok": True, "detail": "w1"}
    assert monitor["checks"]["database"]["detail"]
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/health/?worker=1", HTTP_ACCEPT="application/json").json()["checks"]["worker"]["ok"]
    assert len(sent) == 2
