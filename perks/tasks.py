"""Background jobs of the brand's side: mailing a published perk, ending perks past their date."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from perks.claims import claims_expire
from perks.eligibility import eligible_members
from perks.mail import perk_published_to_member
from perks.models import Claim, Perk


@shared_task(acks_late=True)
def perk_published_mail_task(perk_id: int) -> int:
    """Tell every member the perk is for; members already offered it directly hear nothing more."""
    perk = Perk.objects.select_related("brand").filter(pk=perk_id, status=Perk.Status.PUBLISHED).first()
    if perk is None:
        return 0
    told = Claim.objects.filter(perk=perk).values("member_id")
    sent = 0
    for member in eligible_members(perk=perk).exclude(pk__in=told).select_related("user").iterator():
        perk_published_to_member(perk=perk, member=member)
        sent += 1
    return sent


@shared_task
def perks_end() -> dict[str, int]:
    """Close the perks whose last day has passed, and expire the offers nobody took up."""
    pending = Q(status=Perk.Status.PUBLISHED) | Q(claims__state=Claim.State.OFFERED)
    ended = Perk.objects.filter(pending, ends_on__lt=timezone.localdate()).distinct()
    counts = {"closed": 0, "expired": 0}
    for perk in ended:
        counts["expired"] += claims_expire(perk=perk)
        if perk.status == Perk.Status.PUBLISHED:
            Perk.objects.filter(pk=perk.pk).update(status=Perk.Status.CLOSED)
            counts["closed"] += 1
    return counts
