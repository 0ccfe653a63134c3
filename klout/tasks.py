"""Service-wide tasks: email delivery, housekeeping, and the worker health probe."""

from __future__ import annotations

import logging
import socket

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone

from klout.mail import email_from_payload

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def email_deliver(self, payload: dict) -> int:
    """Deliver one email; connection errors (OSError, SMTP's included) retry with backoff."""
    return email_from_payload(payload).send()


@shared_task
def ping() -> dict:
    """Answer from the worker: used by the status page to prove a worker is consuming."""
    return {"pong": True, "worker": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task
def sessions_clear() -> None:
    call_command("clearsessions")
