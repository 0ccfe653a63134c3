"""What came of a perk: the campaign posts its influencers made, what they drew, and disclosure.

A campaign post is a post (not a repost) by an identity of a member who holds a claim of the
perk, made from the perk's first day to ``FOLLOW_UP`` after its last, whose text or link carries
the campaign tag (a hashtag, matched as a whole tag, or a link, matched anywhere). For each:

- its reactions: the reactions stored with it (each person once per kind), or the counts the
  network reported when it names no one (likes, reposts, replies, quotes);
- the lift: its reactions against that influencer's usual post, the mean of their posts in the
  90 days before the perk started (1.0 = as usual; no lift without a usual post);
- whether it discloses the gift (#ad, #gifted, #sponsored, "paid partnership", ...): the
  report flags those that do not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from connectors.models import Identity, Interaction, Post
from perks.models import Claim, Perk

FOLLOW_UP = timedelta(days=14)
USUAL_WINDOW = timedelta(days=90)
DISCLOSURE = re.compile(
    r"(#(ad|ads|advert|gifted|gift|sponsored|partner|paidpartnership|werbung|anzeige)\b)|"
    r"\b(paid partnership|gifted by|sponsored by|in partnership with)\b",
    re.IGNORECASE,
)
REACTION_KINDS = ("like", "repost", "reply", "quote")
# The counts a network reports on a post, for each kind.
COUNTED = {"like": "likes", "repost": "reposts", "reply": "replies", "quote": "quotes"}


@dataclass
class CampaignPost:
    post_id: int
    identity_id: int
    influencer: str
    network: str
    url: str
    text: str
    created_at: datetime
    reactions: int
    usual: float | None
    discloses: bool

    @property
    def lift(self) -> float | None:
        return round(self.reactions / self.usual, 2) if self.usual else None


@dataclass
class InfluencerOutcome:
    identity_id: int
    handle: str
    network: str
    posts: int = 0
    reactions: int = 0
    reached: int = 0
    usual: float | None = None
    undisclosed: int = 0

    @property
    def lift(self) -> float | None:
        if not self.usual or not self.posts:
            return None
        return round(self.reactions / self.posts / self.usual, 2)


@dataclass
class Outcome:
    posts: list[CampaignPost] = field(default_factory=list)
    influencers: list[InfluencerOutcome] = field(default_factory=list)
    reactions: int = 0
    reached: int = 0
    undisclosed: int = 0
    # Reactions per day of the campaign, for the chart: [(day, reactions)].
    by_day: list[tuple[date, int]] = field(default_factory=list)

    @property
    def lift(self) -> float | None:
        lifts = [p.reactions / p.usual for p in self.posts if p.usual]
        return round(sum(lifts) / len(lifts), 2) if lifts else None


def _tag_pattern(tag: str) -> tuple[str, re.Pattern]:
    tag = tag.strip()
    if tag.startswith("#"):
        # A whole hashtag: #BrewDay, not #BrewDayOff.
        return tag, re.compile(re.escape(tag) + r"(?![\w])", re.IGNORECASE)
    link = re.sub(r"^https?://", "", tag, flags=re.IGNORECASE).rstrip("/")
    return link, re.compile(re.escape(link), re.IGNORECASE)


def _reactions(posts: list[Post]) -> tuple[dict[int, int], dict[int, set[int]]]:
    """Reactions per post, and the people who gave them (where the network names them)."""
    named = defaultdict(int)
    people: dict[int, set[int]] = defaultdict(set)
    rows = (
        Interaction.objects.filter(post__in=[p.pk for p in posts], kind__in=REACTION_KINDS)
        .exclude(origin__gte=4)  # reactions an upload says its member gave count for no one
        .values_list("post_id", "actor_id")
    )
    for post_id, actor_id in rows:
        named[post_id] += 1
        people[post_id].add(actor_id)
    counts = {}
    for post in posts:
        reported = sum(getattr(post, COUNTED[kind]) or 0 for kind in REACTION_KINDS)
        counts[post.pk] = max(named.get(post.pk, 0), reported)
    return counts, people


def _usual(*, identity_ids: list[int], before: datetime) -> dict[int, float]:
    """Each identity's mean reactions per post over the 90 days before ``before``."""
    posts = list(
        Post.objects.filter(
            author_id__in=identity_ids, created_at__gte=before - USUAL_WINDOW, created_at__lt=before
        ).exclude(kind="repost")
    )
    counts, _ = _reactions(posts)
    totals: dict[int, list[int]] = defaultdict(list)
    for post in posts:
        totals[post.author_id].append(counts[post.pk])
    return {author: sum(values) / len(values) for author, values in totals.items() if values}


def perk_outcome(*, perk: Perk) -> Outcome:
    outcome = Outcome()
    if not perk.campaign_tag.strip():
        return outcome
    needle, pattern = _tag_pattern(perk.campaign_tag)
    member_ids = Claim.objects.filter(perk=perk, state__in=Claim.HOLDING).values("member_id")
    identities = {
        i.pk: i for i in Identity.objects.filter(member_id__in=member_ids).only("id", "handle", "network")
    }
    if not identities:
        return outcome
    tz = timezone.get_current_timezone()
    start = datetime.combine(perk.starts_on, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(perk.ends_on, datetime.min.time(), tzinfo=tz) + timedelta(days=1) + FOLLOW_UP
    candidates = (
        Post.objects.filter(author_id__in=list(identities), created_at__gte=start, created_at__lt=end)
        .exclude(kind="repost")
        .filter(Q(text__icontains=needle) | Q(url__icontains=needle))
        .order_by("created_at")
    )
    posts = [p for p in candidates if pattern.search(p.text or "") or pattern.search(p.url or "")]
    counts, people = _reactions(posts)
    usual = _usual(identity_ids=list({p.author_id for p in posts}), before=start)
    per_identity: dict[int, InfluencerOutcome] = {}
    reached: set[int] = set()
    by_day: dict[date, int] = defaultdict(int)
    for post in posts:
        identity = identities[post.author_id]
        discloses = bool(DISCLOSURE.search(post.text or ""))
        row = CampaignPost(
            post_id=post.pk,
            identity_id=identity.pk,
            influencer=identity.handle or str(identity.pk),
            network=identity.network,
            url=post.url,
            text=post.text,
            created_at=post.created_at,
            reactions=counts[post.pk],
            usual=usual.get(post.author_id),
            discloses=discloses,
        )
        outcome.posts.append(row)
        influencer = per_identity.setdefault(
            identity.pk,
            InfluencerOutcome(
                identity_id=identity.pk,
                handle=row.influencer,
                network=identity.network,
                usual=usual.get(identity.pk),
            ),
        )
        influencer.posts += 1
        influencer.reactions += row.reactions
        influencer.undisclosed += 0 if discloses else 1
        reached |= people.get(post.pk, set())
        by_day[timezone.localtime(post.created_at).date()] += row.reactions
    for influencer in per_identity.values():
        mine = [
            people.get(p.post_id, set()) for p in outcome.posts if p.identity_id == influencer.identity_id
        ]
        influencer.reached = len(set().union(*mine))
    outcome.influencers = sorted(per_identity.values(), key=lambda i: -i.reactions)
    outcome.reactions = sum(p.reactions for p in outcome.posts)
    outcome.reached = len(reached)
    outcome.undisclosed = sum(1 for p in outcome.posts if not p.discloses)
    last = min(timezone.localdate(), (end - timedelta(days=1)).date())
    day = perk.starts_on
    while day <= last:
        outcome.by_day.append((day, by_day.get(day, 0)))
        day += timedelta(days=1)
    return outcome
