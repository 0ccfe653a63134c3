"""Reads of the brand's side, always for one brand (or one member): another brand's perk, claim or
shortlist is not found, exactly like a missing one (404), so ids cannot be probed."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.models import Brand, Member
from accounts.selectors import member_public_condition
from connectors.models import Identity
from perks.eligibility import member_eligibility_problems, perk_open
from perks.models import Claim, Perk, Shortlist
from scoring.models import HiddenTopic, IdentityScore, IdentityTopic


def perk_get_for_brand(*, brand: Brand, perk_id: int) -> Perk:
    perk = Perk.objects.filter(pk=perk_id, brand=brand).select_related("brand").first()
    if perk is None:
        raise Http404("No such perk")
    return perk


def claim_get_for_brand(*, brand: Brand, claim_id: int) -> Claim:
    claim = (
        Claim.objects.filter(pk=claim_id, perk__brand=brand)
        .select_related("perk__brand", "member__user")
        .first()
    )
    if claim is None:
        raise Http404("No such claim")
    return claim


def claim_get_for_member(*, member: Member | None, claim_id: int) -> Claim:
    claim = (
        Claim.objects.filter(pk=claim_id, member=member).select_related("perk__brand").first()
        if member
        else None
    )
    if claim is None:
        raise Http404("No such claim")
    return claim


def shortlist_get_for_brand(*, brand: Brand, shortlist_id: int) -> Shortlist:
    shortlist = Shortlist.objects.filter(pk=shortlist_id, brand=brand).first()
    if shortlist is None:
        raise Http404("No such shortlist")
    return shortlist


def brand_perks(*, brand: Brand) -> QuerySet[Perk]:
    holding = Q(claims__state__in=Claim.HOLDING)
    return brand.perks.annotate(claims_holding=Count("claims", filter=holding)).order_by("-created_at")


def brand_shortlists(*, brand: Brand) -> QuerySet[Shortlist]:
    return brand.shortlists.annotate(size=Count("entries")).order_by("name")


def perk_claims(*, perk: Perk) -> QuerySet[Claim]:
    return perk.claims.select_related("member__user").order_by("-updated_at")


def shortlist_identities(*, shortlist: Shortlist) -> QuerySet[Identity]:
    """The shortlist's identities that may still be seen: a member who made their profile private
    (or opted out) drops out of every list a brand keeps."""
    visible = Q(member__isnull=True) | member_public_condition(path="member__")
    return (
        Identity.objects.filter(visible, pk__in=shortlist.entries.values("identity_id"))
        .select_related("member")
        .order_by("network", "handle")
    )


def shortlist_rows(*, shortlist: Shortlist) -> list[dict]:
    """What a shortlist page and its CSV show of each visible entry: no contact detail, ever."""
    identities = list(shortlist_identities(shortlist=shortlist))
    ids = [i.pk for i in identities]
    latest: dict[int, float] = {}
    for identity_id, score in (
        IdentityScore.objects.filter(identity_id__in=ids)
        .order_by("identity_id", "-day")
        .values_list("identity_id", "score")
    ):
        latest.setdefault(identity_id, score)
    hidden = HiddenTopic.objects.filter(member_id=OuterRef("identity__member_id"), topic=OuterRef("topic"))
    topics: dict[int, list[str]] = {}
    for identity_id, topic in (
        IdentityTopic.objects.filter(identity_id__in=ids)
        .exclude(Exists(hidden))
        .order_by("identity_id", "-weight")
        .values_list("identity_id", "topic")
    ):
        topics.setdefault(identity_id, []).append(topic)
    return [
        {
            "identity": identity,
            "network": identity.network,
            "handle": identity.handle,
            "name": identity.name,
            "score": round(latest[identity.pk]) if identity.pk in latest else "",
            "audience": identity.followers if identity.followers is not None else "",
            "topics": " ".join(topics.get(identity.pk, [])[:5]),
            "profile": reverse("perks:influencer", args=[shortlist.brand.slug, identity.pk]),
        }
        for identity in identities
    ]


# --- the member's side --------------------------------------------------------------------------


def member_claims(*, member: Member) -> QuerySet[Claim]:
    return Claim.objects.filter(member=member).select_related("perk__brand").order_by("-updated_at")


def member_perks_open(*, member: Member) -> list[Perk]:
    """Published perks open today that the member may claim and has not acted on yet."""
    acted = Claim.objects.filter(member=member).values("perk_id")
    candidates = (
        Perk.objects.filter(status=Perk.Status.PUBLISHED)
        .exclude(pk__in=acted)
        .select_related("brand")
        .order_by("ends_on")
    )
    return [
        perk
        for perk in candidates
        if perk_open(perk=perk)
        and perk.left > 0
        and not member_eligibility_problems(perk=perk, member=member)
    ]


def perk_get_for_member(*, member: Member | None, perk_id: int) -> tuple[Perk, Claim | None]:
    """A perk the member may see: one offered to them, or published and open to them. Any other
    perk is not found, whether it exists or not."""
    perk = Perk.objects.filter(pk=perk_id).select_related("brand").first() if member else None
    if perk is None:
        raise Http404("No such perk")
    claim = Claim.objects.filter(perk=perk, member=member).first()
    if claim is None and (
        perk.status != Perk.Status.PUBLISHED or member_eligibility_problems(perk=perk, member=member)
    ):
        raise Http404("No such perk")
    return perk, claim
