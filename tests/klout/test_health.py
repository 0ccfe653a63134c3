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
