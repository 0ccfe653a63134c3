"""The mails of the brand's side: each change of a claim tells the other side, and a published
perk tells the members it is for. Sent by the worker once the change has committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import BrandMembership, Member
from klout.mail import email_queue
from perks.models import Claim, Perk

DISCLOSURE = (
    "When you post about it, say it was a gift: add #ad or #gifted, or use the network's "
    "paid-partnership label. Your audience should know, and in many countries the law says so."
)


def _send(*, to: list[str], subject: str, template: str, context: dict) -> None:
    if not to:
        return
    context = {**context, "site_url": settings.SITE_URL, "disclosure": DISCLOSURE}
    email_queue(EmailMessage(subject=f"[Klout] {subject}", body=render_to_string(template, context), to=to))


def _brand_addresses(perk: Perk) -> list[str]:
    return list(
        BrandMembership.objects.filter(brand_id=perk.brand_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def claim_changed_to_brand(*, claim: Claim) -> None:
    perk = claim.perk
    _send(
        to=_brand_addresses(perk),
        subject=f"{perk.title}: a claim is {claim.get_state_display().lower()}",
        template="perks/email/claim_to_brand.txt",
        context={
            "claim": claim,
            "perk": perk,
            "url": settings.SITE_URL + reverse("perks:brand_claim", args=[perk.brand.slug, claim.pk]),
        },
    )


def claim_changed_to_member(*, claim: Claim) -> None:
    _send(
        to=[claim.member.user.email],
        subject=f"{claim.terms.get('title') or claim.perk.title}: {claim.get_state_display().lower()}",
        template="perks/email/claim_to_member.txt",
        context={"claim": claim, "url": settings.SITE_URL + reverse("perks:claim", args=[claim.pk])},
    )


def perk_published_to_member(*, perk: Perk, member: Member) -> None:
    _send(
        to=[member.user.email],
        subject=f"A perk for you from {perk.brand.name}: {perk.title}",
        template="perks/email/perk_published.txt",
        context={"perk": perk, "url": settings.SITE_URL + reverse("perks:perk", args=[perk.pk])},
    )
