"""Who may claim a perk: its minimum score, networks, countries and topics, and dates.

``member_eligibility_problems`` says in words why one member may not (empty when they may);
``eligible_members`` is the same rule as a query, for the mail sent when a perk is published.
Both read the member's latest score, the networks of their identities, their country and the
topics of their identities that they have not hidden.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Member
from accounts.selectors import member_may_be_tracked
from connectors.models import Identity
from perks.models import Perk
from scoring.models import HiddenTopic, IdentityTopic, MemberScore


def member_latest_score(*, member: Member) -> float | None:
    score = MemberScore.objects.filter(member=member).order_by("-day").values_list("score", flat=True).first()
    return None if score is None else float(score)


def member_topics_shown(*, member: Member) -> set[str]:
    hidden = HiddenTopic.objects.filter(member=member).values("topic")
    return set(
        IdentityTopic.objects.filter(identity__member=member)
        .exclude(topic__in=hidden)
        .values_list("topic", flat=True)
    )


def perk_open(*, perk: Perk, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return perk.status == Perk.Status.PUBLISHED and perk.starts_on <= today <= perk.ends_on


def member_eligibility_problems(*, perk: Perk, member: Member) -> list[str]:
    """Why ``member`` may not claim ``perk``, in words for them; empty when they may."""
    problems: list[str] = []
    if not member_may_be_tracked(member=member):
        return ["You opted out of tracking, so no perk can be offered to you."]
    score = member_latest_score(member=member)
    if score is None:
        problems.append("You need a Klout score first: connect a network or import an archive.")
    elif round(score) < perk.min_score:
        problems.append(f"This perk is for scores of {perk.min_score} and above; yours is {round(score)}.")
    if perk.networks:
        networks = set(Identity.objects.filter(member=member).values_list("network", flat=True))
        if not networks & set(perk.networks):
            problems.append("This perk is for influencers on " + ", ".join(sorted(perk.networks)) + ".")
    if perk.countries and member.country.upper() not in {c.upper() for c in perk.countries}:
        problems.append("This perk is offered in " + ", ".join(sorted(perk.countries)) + " only.")
    if perk.topics and not member_topics_shown(member=member) & {t.lower() for t in perk.topics}:
        problems.append("This perk is for influencers on " + ", ".join(sorted(perk.topics)) + ".")
    return problems


def eligible_members(*, perk: Perk) -> QuerySet[Member]:
    """Every member who may claim ``perk`` (``member_eligibility_problems`` as one query)."""
    latest = MemberScore.objects.filter(member=OuterRef("pk")).order_by("-day").values("score")[:1]
    members = (
        Member.objects.filter(opted_out_at__isnull=True, user__is_active=True)
        .annotate(latest_score=Subquery(latest))
        # Scores are shown rounded; a 39.6 is a 40.
        .filter(latest_score__gte=perk.min_score - 0.5)
    )
    if perk.networks:
        members = members.filter(
            Exists(Identity.objects.filter(member=OuterRef("pk"), network__in=perk.networks))
        )
    if perk.countries:
        members = members.filter(country__in=[c.upper() for c in perk.countries])
    if perk.topics:
        hidden = HiddenTopic.objects.filter(member=OuterRef(OuterRef("pk"))).values("topic")
        topics = IdentityTopic.objects.filter(
            identity__member=OuterRef("pk"), topic__in=[t.lower() for t in perk.topics]
        ).exclude(topic__in=hidden)
        members = members.filter(Exists(topics))
    return members.filter(~Q(latest_score__isnull=True))
