"""Email goes out from the worker, so a slow mail server never holds up a page."""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def email_to_payload(message: EmailMessage) -> dict:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        headers=payload.get("headers") or {},
    )
    message.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


def email_queue(message: EmailMessage) -> None:
    """Send ``message`` from the worker once the current transaction has committed."""
    from klout.tasks import email_deliver

    payload = email_to_payload(message)
    transaction.on_commit(lambda: email_deliver.delay(payload))
