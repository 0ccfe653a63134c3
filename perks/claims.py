"""Claims: a member takes a perk, the brand ships it, the member says it arrived.

Every change runs in a transaction with the claim's row locked, goes through the claim's state
machine (``perks.models.Claim``: a transition not allowed from the current state raises
``ClaimRefused``), is recorded as a ``ClaimEvent`` with who did it, and mails the other side.

The quantity is never exceeded: a unit is taken by one conditional UPDATE
(``taken < quantity``), which PostgreSQL re-checks on the row after any concurrent claim
committed, so of many claims for the last unit exactly one succeeds and the others are told
it is all claimed. A member's double click finds the claim its first click made (the member's
row is locked first, and a perk has one claim per member).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django_fsm import TransitionNotAllowed

from accounts.models import Member, User
from perks import mail
from perks.eligibility import member_eligibility_problems, perk_open
from perks.models import Claim, ClaimEvent, Perk

ALL_CLAIMED_MESSAGE = "Sorry, this perk is all claimed: every unit has gone to someone else."
MAX_ADDRESS_LENGTH = 1000


class ClaimRefused(Exception):
    """The change cannot be made; the message says why, for the person."""


def _terms(perk: Perk) -> dict:
    return {
        "title": perk.title,
        "description": perk.description,
        "offer": perk.offer,
        "needs_shipping": perk.needs_shipping,
        "campaign_tag": perk.campaign_tag,
        "ends_on": perk.ends_on.isoformat(),
    }


def _record(claim: Claim, *, actor: User | None, side: str, before: str) -> None:
    ClaimEvent.objects.create(claim=claim, actor=actor, side=side, from_state=before, to_state=claim.state)


def _contact(*, perk: Perk, member: Member, shipping_address: str, contact_email: str) -> tuple[str, str]:
    address = (shipping_address or "").strip()
    email = (contact_email or "").strip()
    if perk.needs_shipping:
        if not address:
            raise ValidationError({"shipping_address": "Give the address the brand should ship the perk to."})
        if len(address) > MAX_ADDRESS_LENGTH:
            raise ValidationError({"shipping_address": "This address is too long; shorten it."})
    else:
        address = ""
    email = email or member.user.email
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"contact_email": "Give an email address the brand can write to."}) from None
    return address, email


def _take_unit(perk: Perk) -> None:
    taken = Perk.objects.filter(pk=perk.pk, status=Perk.Status.PUBLISHED, taken__lt=F("quantity")).update(
        taken=F("taken") + 1
    )
    if not taken:
        raise ClaimRefused(ALL_CLAIMED_MESSAGE)


def _give_back_unit(perk: Perk) -> None:
    Perk.objects.filter(pk=perk.pk, taken__gt=0).update(taken=F("taken") - 1)


def perk_claim(*, perk: Perk, member: Member, shipping_address: str = "", contact_email: str = "") -> Claim:
    """The member claims the perk (published and open to them, or offered to them directly).

    Claiming twice returns the claim already made. ValidationError for a missing address;
    ClaimRefused when the perk is closed, all claimed, or not for this member.
    """
    with transaction.atomic():
        # Serialises one member's clicks; other members' claims only meet on the perk's row.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        claim = Claim.objects.select_for_update().filter(perk=perk, member=member).first()
        if claim is not None and claim.state in Claim.HOLDING:
            return claim
        if claim is not None and claim.state != Claim.State.OFFERED:
            raise ClaimRefused(
                f"This perk can no longer be claimed: your claim was {claim.get_state_display().lower()}."
            )
        perk.refresh_from_db()
        if not perk_open(perk=perk):
            raise ClaimRefused("This perk is not open for claims any more.")
        if claim is None:
            problems = member_eligibility_problems(perk=perk, member=member)
            if problems:
                raise ClaimRefused(" ".join(problems))
        address, email = _contact(
            perk=perk, member=member, shipping_address=shipping_address, contact_email=contact_email
        )
        _take_unit(perk)
        if claim is None:
            claim = Claim(perk=perk, member=member, state=Claim.State.CLAIMED)
            before = ""
        else:
            before = claim.state
            claim.claim()
        claim.terms = _terms(perk)
        claim.shipping_address = address
        claim.contact_email = email
        claim.save()
        _record(claim, actor=member.user, side="member", before=before)
        mail.claim_changed_to_brand(claim=claim)
    return claim


def _transition(claim: Claim, name: str, *, actor: User | None, side: str, **changes) -> Claim:
    """Run the transition ``name`` on the locked claim, save ``changes``, record and mail."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("perk", "member__user").get(pk=claim.pk)
        before = claim.state
        try:
            getattr(claim, name)()
        except TransitionNotAllowed:
            raise ClaimRefused(
                f"This claim is {claim.get_state_display().lower()}; it cannot be {_PAST[name]} now."
            ) from None
        for field, value in changes.items():
            setattr(claim, field, value)
        claim.save()
        if before in Claim.HOLDING and claim.state not in Claim.HOLDING:
            _give_back_unit(claim.perk)
        _record(claim, actor=actor, side=side, before=before)
        if side == "brand":
            mail.claim_changed_to_member(claim=claim)
        elif side == "member":
            mail.claim_changed_to_brand(claim=claim)
    return claim


_PAST = {
    "claim": "claimed",
    "decline": "declined",
    "ship": "marked shipped",
    "receive": "marked received",
    "cancel": "cancelled",
    "expire": "expired",
}


def claim_decline(*, claim: Claim, member: Member) -> Claim:
    return _transition(claim, "decline", actor=member.user, side="member")


def claim_receive(*, claim: Claim, member: Member) -> Claim:
    return _transition(claim, "receive", actor=member.user, side="member")


def claim_ship(*, claim: Claim, by: User, tracking_url: str = "") -> Claim:
    tracking_url = (tracking_url or "").strip()
    if tracking_url and not tracking_url.startswith(("https://", "http://")):
        raise ValidationError({"tracking_url": "A tracking link starts with https://."})
    return _transition(claim, "ship", actor=by, side="brand", tracking_url=tracking_url[:200])


def claim_cancel(*, claim: Claim, by: User) -> Claim:
    return _transition(claim, "cancel", actor=by, side="brand")


def claims_expire(*, perk: Perk) -> int:
    """Offers of a perk past its end date that nobody took up: expired (no mail)."""
    expired = 0
    for claim in Claim.objects.filter(perk=perk, state=Claim.State.OFFERED):
        _transition(claim, "expire", actor=None, side="system")
        expired += 1
    return expired
