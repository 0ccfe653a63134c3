"""Opt-out for anyone: prove control of an account with a code in its bio.

1. ``optout_challenge_start`` gives the person a one-time code (it expires) and a
   private status page. New requests are rate-limited per requester and per account.
2. The person puts the code in their bio. ``optout_challenge_check`` reads the public
   profile, always in the worker (a slow server must not hold a web process): when the
   person presses "check now" (``optout_challenge_check_queue``; rate-limited: a pause
   between checks and a maximum number of them), and in the background (backing off).
   A transient failure of the network's API is not counted against the person.
3. When the code is there, the identity is tombstoned and purged
   (``identity_opt_out``) and the handle is blanked from the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from connectors.errors import ConnectorError
from klout.queue import QUEUE_DOWN_MESSAGE, enqueue_on_commit
from privacy.audit import subject_digest
from privacy.models import OptOutChallenge
from privacy.profiles import (
    bio_checks_configured,
    handle_display,
    handle_normalize,
    network_label,
    profile_read,
)
from privacy.services import identity_opt_out

# Pause between two checks the person asks for, and how many they may ask for per code.
CHECK_INTERVAL = timedelta(seconds=20)
MAX_CHECKS = 10
# New requests: per requester per hour, and pending ones per requester and account. Not per
# account alone: then anyone could fill an account's quota and keep its owner from opting out.
MAX_REQUESTS_PER_HOUR = 10
MAX_PENDING_PER_HANDLE = 3
# Background checks: first after 2 minutes, then doubling up to hourly.
FIRST_BACKGROUND_CHECK = timedelta(minutes=2)
MAX_BACKGROUND_INTERVAL = timedelta(hours=1)

_ANY_CODE = re.compile(r"KLOUT-[A-Z0-9]{8}", re.IGNORECASE)


@dataclass(frozen=True)
class CheckOutcome:
    verified: bool
    message: str
    # Handed to the worker, whose result the status page shows when it comes.
    queued: bool = False


def optout_challenge_start(*, network: str, handle: str, requester: str) -> OptOutChallenge:
    """Start an opt-out request; ValidationError with a message for the person when refused."""
    try:
        handle = handle_normalize(network=network, raw=handle)
    except ValueError as exc:
        raise ValidationError({"handle": str(exc)}) from None
    if not bio_checks_configured(network):
        raise ValidationError(
            {"network": f"{network_label(network)} bio checks are not configured on this server."}
        )
    now = timezone.now()
    requester_digest = subject_digest(kind="requester", key=requester) if requester else ""
    with transaction.atomic():
        if requester_digest:
            recent = OptOutChallenge.objects.filter(
                requester_digest=requester_digest, created_at__gt=now - timedelta(hours=1)
            ).count()
            if recent >= MAX_REQUESTS_PER_HOUR:
                raise ValidationError(
                    "Too many opt-out requests from your connection; please try again in an hour."
                )
        pending = OptOutChallenge.objects.filter(
            network=network,
            handle=handle,
            requester_digest=requester_digest,
            status=OptOutChallenge.Status.PENDING,
            expires_at__gt=now,
        ).count()
        if pending >= MAX_PENDING_PER_HANDLE:
            raise ValidationError(
                {
                    "handle": f"You already have {pending} open requests for this account; use one of them "
                    "(its page is in your browser's history) or wait until they expire."
                }
            )
        return OptOutChallenge.objects.create(
            network=network,
            handle=handle,
            expires_at=now + timedelta(minutes=settings.PRIVACY_OPTOUT_CODE_LIFETIME_MINUTES),
            next_check_at=now + FIRST_BACKGROUND_CHECK,
            requester_digest=requester_digest,
        )


CHECK_QUEUED_MESSAGE = "Klout is reading the bio of {who} now; this page shows what it found in a moment."


def optout_challenge_check_queue(*, challenge_id: int) -> CheckOutcome:
    """Hand a "check now" to the worker, unless the rate limit refuses it at once.

    The check itself (``optout_challenge_check``, manual) counts the attempt and applies the
    limits again under its lock, so two clicks queued together read the profile once.
    """
    from privacy.tasks import optout_challenge_check_task

    now = timezone.now()
    with transaction.atomic():
        challenge = OptOutChallenge.objects.select_for_update().get(pk=challenge_id)
        refusal = _refusal(challenge, manual=True, now=now)
        if refusal is not None:
            return refusal
        challenge.check_queued_at = now
        challenge.save(update_fields=["check_queued_at"])

        def queue_down() -> None:
            OptOutChallenge.objects.filter(pk=challenge_id).update(
                check_queued_at=None, last_result=QUEUE_DOWN_MESSAGE
            )

        enqueue_on_commit(optout_challenge_check_task, challenge_id, True, on_failure=queue_down)
    who = handle_display(network=challenge.network, handle=challenge.handle)
    return CheckOutcome(verified=False, message=CHECK_QUEUED_MESSAGE.format(who=who), queued=True)


def optout_challenge_check(*, challenge_id: int, manual: bool) -> CheckOutcome:
    """Read the profile and opt the account out when the code is in its bio."""
    now = timezone.now()
    with transaction.atomic():
        challenge = OptOutChallenge.objects.select_for_update().get(pk=challenge_id)
        refusal = _refusal(challenge, manual=manual, now=now)
        if refusal is not None:
            if challenge.check_queued_at is not None:
                challenge.check_queued_at = None
                challenge.last_result = refusal.message
                challenge.save(update_fields=["check_queued_at", "last_result"])
            return refusal
        # Counted and stamped before the slow network call, under the lock, so that two
        # clicks at once cannot both pass the rate limit.
        if manual:
            challenge.attempts += 1
            challenge.last_checked_at = now
        else:
            challenge.background_checks += 1
            interval = min(FIRST_BACKGROUND_CHECK * 2**challenge.background_checks, MAX_BACKGROUND_INTERVAL)
            challenge.next_check_at = now + interval
        challenge.save(update_fields=["attempts", "last_checked_at", "background_checks", "next_check_at"])

    try:
        profile = profile_read(network=challenge.network, handle=challenge.handle)
    except ConnectorError as error:
        if error.transient and manual:
            # The network's fault, not the person's: give the attempt back.
            OptOutChallenge.objects.filter(pk=challenge.pk, attempts__gt=0).update(
                attempts=challenge.attempts - 1
            )
        return _remember(challenge, CheckOutcome(verified=False, message=error.message))

    if challenge.code.lower() not in profile.bio.lower():
        return _remember(challenge, CheckOutcome(verified=False, message=_not_found(challenge, profile.bio)))

    with transaction.atomic():
        # Still pending? A background check may have finished it meanwhile.
        locked = OptOutChallenge.objects.select_for_update().get(pk=challenge.pk)
        if locked.status != OptOutChallenge.Status.PENDING:
            verified = locked.status == OptOutChallenge.Status.VERIFIED
            return CheckOutcome(verified=verified, message=locked.last_result or "This request is closed.")
        identity_opt_out(network=profile.network, external_ids=profile.external_ids)
        who = handle_display(network=challenge.network, handle=challenge.handle)
        message = (
            f"Done: {who} is opted out. Everything "
            "Klout held about it was deleted and nothing about it will be collected again. "
            "You may remove the code from your bio now."
        )
        locked.status = OptOutChallenge.Status.VERIFIED
        locked.verified_at = timezone.now()
        locked.handle = ""
        locked.next_check_at = None
        locked.check_queued_at = None
        locked.last_result = message
        locked.save(
            update_fields=[
                "status",
                "verified_at",
                "handle",
                "next_check_at",
                "check_queued_at",
                "last_result",
            ]
        )
    return CheckOutcome(verified=True, message=message)


def _refusal(challenge: OptOutChallenge, *, manual: bool, now) -> CheckOutcome | None:
    if challenge.status == OptOutChallenge.Status.VERIFIED:
        return CheckOutcome(verified=True, message="This account is already opted out.")
    if challenge.status == OptOutChallenge.Status.EXPIRED or challenge.is_expired:
        if challenge.status != OptOutChallenge.Status.EXPIRED:
            challenge.status = OptOutChallenge.Status.EXPIRED
            challenge.next_check_at = None
            challenge.handle = ""
            challenge.save(update_fields=["status", "next_check_at", "handle"])
        return CheckOutcome(
            verified=False, message="This code has expired. Please start a new opt-out request."
        )
    if manual:
        if challenge.attempts >= MAX_CHECKS:
            return CheckOutcome(
                verified=False,
                message=f"You have used all {MAX_CHECKS} checks of this code. Klout keeps checking your bio "
                "in the background until the code expires, or you can start a new request.",
            )
        if challenge.last_checked_at and now - challenge.last_checked_at < CHECK_INTERVAL:
            wait = int((CHECK_INTERVAL - (now - challenge.last_checked_at)).total_seconds()) + 1
            return CheckOutcome(verified=False, message=f"Please wait {wait} seconds before checking again.")
    return None


def _not_found(challenge: OptOutChallenge, bio: str) -> str:
    who = handle_display(network=challenge.network, handle=challenge.handle)
    other = [c.upper() for c in _ANY_CODE.findall(bio) if c.lower() != challenge.code.lower()]
    if other:
        return (
            f"The bio of {who} has the code {other[0]}, which is not this request's code. "
            f"Replace it with {challenge.code} and check again."
        )
    if not bio.strip():
        return f"The code {challenge.code} was not found: the bio of {who} is empty as Klout reads it."
    excerpt = " ".join(bio.split())
    excerpt = excerpt if len(excerpt) <= 160 else excerpt[:157] + "…"
    return f"The code {challenge.code} was not found in the bio of {who}. Klout read: “{excerpt}”"


def _remember(challenge: OptOutChallenge, outcome: CheckOutcome) -> CheckOutcome:
    OptOutChallenge.objects.filter(pk=challenge.pk, status=OptOutChallenge.Status.PENDING).update(
        last_result=outcome.message, check_queued_at=None
    )
    return outcome


def optout_challenges_due() -> list[int]:
    """Pending, unexpired requests whose background check is due."""
    now = timezone.now()
    return list(
        OptOutChallenge.objects.filter(
            status=OptOutChallenge.Status.PENDING, expires_at__gt=now, next_check_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )


def optout_challenges_expire() -> int:
    """Expire requests past their code's lifetime and forget which account they were for.

    Expired and finished requests are deleted after a week: by then their status page
    has served its purpose.
    """
    now = timezone.now()
    expired = OptOutChallenge.objects.filter(
        status=OptOutChallenge.Status.PENDING, expires_at__lte=now
    ).update(status=OptOutChallenge.Status.EXPIRED, handle="", next_check_at=None)
    OptOutChallenge.objects.exclude(status=OptOutChallenge.Status.PENDING).filter(
        expires_at__lte=now - timedelta(days=7)
    ).delete()
    return expired
