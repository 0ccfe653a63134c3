"""Reads behind the member's dashboard, their public profile and the score API.

Each function issues a fixed, small number of queries whatever the size of the history
(tests assert the count on the dashboard), and returns plain dataclasses the templates and
serializers render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Member
from connectors.models import ConnectedAccount, Identity, Interaction, Post
from connectors.records import NETWORK_NAMES, Origin
from connectors.selectors import identities_visible
from klout.db.prepared import PreparedQuery
from scoring.engine import Snapshot, snapshot_diff
from scoring.engine.explain import Change, ChangeReport
from scoring.models import DiscoveryCard, HiddenTopic, IdentityScore, IdentityTopic, MemberScore
from scoring.tone import FeedbackMix, member_feedback

SIGNAL_WORDS = {
    "reposts": "reposts of your posts",
    "replies": "replies to you",
    "quotes": "quotes of your posts",
    "likes": "likes",
    "mentions": "mentions of you",
    # Model v2: what a network counts without saying who reacted.
    "counted_reposts": "reposts the network counted on your posts",
    "counted_replies": "replies the network counted on your posts",
    "counted_quotes": "quotes the network counted on your posts",
    "counted_likes": "likes the network counted on your posts",
    "counted_mentions": "mentions the network counted",
    "counted_views": "views the network counted on your posts",
    "authority": "the standing of the people who react to you",
    "listed": "the lists people put you on",
    "efficiency": "reactions for each post you make",
    "audience": "the size of your audience",
}
# The same, as the subject of a sentence: "Reposts of your posts on Mastodon counted most."
SIGNAL_HEADLINES = {
    "reposts": "Reposts of your posts",
    "replies": "Replies to you",
    "quotes": "Quotes of your posts",
    "likes": "Likes of your posts",
    "mentions": "Mentions of you",
    "counted_reposts": "Reposts counted by {network} on your posts",
    "counted_replies": "Replies counted by {network} on your posts",
    "counted_quotes": "Quotes counted by {network} on your posts",
    "counted_likes": "Likes counted by {network} on your posts",
    "counted_mentions": "Mentions counted by {network}",
    "counted_views": "Views counted by {network} on your posts",
    "authority": "The standing of the people who react to you",
    "listed": "The lists people put you on",
    "efficiency": "How many reactions each of your posts draws",
    "audience": "The size of your audience",
}
REACTION_KINDS = ("repost", "reply", "quote", "like", "mention")
WINDOW_DAYS = 90


@dataclass(frozen=True)
class Part:
    name: str
    label: str
    points: float
    share: float  # of the score, 0..1 (may be negative for the efficiency adjustment)


@dataclass(frozen=True)
class Moment:
    post: Post
    reactions: int
    by_kind: dict[str, int]

    @property
    def kinds_summary(self) -> str:
        """ "2 reposts, 1 reply, 5 likes" """
        plural = {"repost": "reposts", "reply": "replies", "quote": "quotes", "like": "likes"}
        plural["mention"] = "mentions"
        return ", ".join(f"{n} {kind if n == 1 else plural[kind]}" for kind, n in self.by_kind.items() if n)


@dataclass(frozen=True)
class Person:
    identity: Identity
    reactions: int
    score: float | None


@dataclass
class Dashboard:
    member: Member
    current: MemberScore | None
    history: list[HistoryPoint]
    change_day: float | None
    change_week: float | None
    networks: list[Part] = field(default_factory=list)
    signals: list[Part] = field(default_factory=list)
    headline: str = ""
    moved: ChangeReport | None = None
    moments: list[Moment] = field(default_factory=list)
    influencers: list[Person] = field(default_factory=list)
    influencees: list[Person] = field(default_factory=list)
    accounts: list[ConnectedAccount] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    hidden_topics: list[str] = field(default_factory=list)
    is_demo: bool = False
    # (network name, reactions) the networks counted on the member's posts beyond what their
    # audience and known reactors make plausible, left out of the day's score.
    capped: list[tuple[str, int]] = field(default_factory=list)
    feedback: FeedbackMix = field(default_factory=FeedbackMix)


@dataclass(frozen=True)
class HistoryPoint:
    day: date
    score: float
    model_version: str = ""


def chart_points(history: list[HistoryPoint]) -> list[dict]:
    """The history as the chart draws it: day, score and the model that computed it (the chart
    marks the days the model changed)."""
    return [
        {"day": point.day.isoformat(), "score": round(point.score, 1), "model": point.model_version}
        for point in history
    ]


def member_score_history(*, member: Member, days: int = 365) -> list[HistoryPoint]:
    """Day and published score only: the chart needs two numbers a day, not whole snapshots."""
    since = timezone.now().date() - timedelta(days=days)
    rows = MemberScore.objects.filter(member=member, day__gte=since).order_by("day")
    rows = rows.values_list("day", "score", "model_version")
    return [HistoryPoint(day=day, score=score, model_version=version) for day, score, version in rows]


def _snapshot(score: MemberScore) -> Snapshot:
    return Snapshot(
        model_version=score.model_version,
        score=score.unsmoothed,
        raw=score.raw,
        signals=score.signals,
        networks=score.networks,
    )


def _day_on_or_before(history: list[HistoryPoint], day: date) -> date | None:
    found = None
    for point in history:
        if point.day <= day:
            found = point.day
    return found


def _parts(points: dict[str, float], total: float, labels: dict[str, str]) -> list[Part]:
    parts = [
        Part(name=name, label=labels.get(name, name), points=value, share=(value / total) if total else 0.0)
        for name, value in points.items()
        if abs(value) >= 0.05
    ]
    return sorted(parts, key=lambda part: -part.points)


def _headline(identity_scores: list[IdentityScore], member_score: MemberScore) -> str:
    """The network-and-signal pair that counted most, in plain words."""
    best = None
    for snapshot in identity_scores:
        network_points = member_score.networks.get(snapshot.identity.network, 0.0)
        if snapshot.unsmoothed <= 0 or network_points <= 0:
            continue
        scale = network_points / snapshot.unsmoothed
        for signal, points in snapshot.signals.items():
            weighted = points * scale
            if best is None or weighted > best[0]:
                best = (weighted, signal, snapshot.identity.network)
    if best is None:
        return ""
    _, signal, network = best
    name = NETWORK_NAMES.get(network, network)
    headline = SIGNAL_HEADLINES[signal]
    if "{network}" in headline:  # the counted signals name the network themselves
        return f"{headline.format(network=name)} counted most."
    return f"{headline} on {name} counted most."


def _latest_identity_scores(identities: list[Identity], day: date) -> list[IdentityScore]:
    if not identities:
        return []
    return list(IdentityScore.objects.filter(identity__in=identities, day=day).select_related("identity"))


def _top_moments(*, posts: QuerySet[Post], since, limit: int) -> list[Moment]:
    # Reactions from others only: a member's own mentions and replies inside their post are
    # interactions on it too, but they moved no one.
    window = Q(interactions__occurred_at__gte=since) & ~Q(interactions__actor_id=F("author_id"))
    posts = (
        posts.annotate(
            reactions=Count("interactions", filter=window),
            **{
                kind: Count("interactions", filter=window & Q(interactions__kind=kind))
                for kind in REACTION_KINDS
            },
        )
        .filter(reactions__gt=0)
        .select_related("author")
        .order_by("-reactions", "-created_at")[:limit]
    )
    return [
        Moment(post=post, reactions=post.reactions, by_kind={k: getattr(post, k) for k in REACTION_KINDS})
        for post in posts
    ]


def member_top_moments(*, member: Member, since, limit: int = 5) -> list[Moment]:
    return _top_moments(posts=Post.objects.filter(author__member=member), since=since, limit=limit)


def identities_top_moments(*, identity_ids: list[int], since, limit: int = 5) -> list[Moment]:
    """The posts of these identities that drew the most reactions since ``since``."""
    return _top_moments(posts=Post.objects.filter(author_id__in=identity_ids), since=since, limit=limit)


def _people(*, rows: QuerySet, key: str, day: date) -> list[Person]:
    rows = list(rows)
    # Another member's private identities are not shown, even to someone they react to.
    identities = identities_visible().in_bulk([row[key] for row in rows])
    latest = IdentityScore.objects.filter(identity_id__in=identities.keys(), day=day)
    scores = dict(latest.values_list("identity_id", "score"))
    return [
        Person(identity=identities[row[key]], reactions=row["n"], score=scores.get(row[key]))
        for row in rows
        if row[key] in identities
    ]


def member_influencers(*, member: Member, since, day: date, limit: int = 5) -> list[Person]:
    """The people whose posts this member reacts to most: those who influence them."""
    rows = (
        Interaction.objects.filter(actor__member=member, occurred_at__gte=since)
        .exclude(kind="follow")
        .exclude(target__member=member)
        .values("target_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:limit]
    )
    return _people(rows=rows, key="target_id", day=day)


def member_influencees(*, member: Member, since, day: date, limit: int = 5) -> list[Person]:
    """The people who react to this member most: those they influence."""
    rows = (
        Interaction.objects.filter(target__member=member, occurred_at__gte=since)
        .exclude(kind="follow")
        .exclude(actor__member=member)
        # What someone else uploaded about reacting to the member is theirs to say, not the member's.
        .exclude(origin=Origin.UPLOAD_GIVEN)
        .values("actor_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:limit]
    )
    return _people(rows=rows, key="actor_id", day=day)


@dataclass(frozen=True)
class Topic:
    name: str
    weight: float  # against the identity's strongest topic, 1.0


def member_topics(*, member: Member, limit: int = 10) -> tuple[list[Topic], list[str]]:
    """The topics of the member's identities that they show, strongest first, and those of them
    they hid (``scoring.topics``): one query, never cached, so that hiding one shows at once."""
    hidden = HiddenTopic.objects.filter(member=member, topic=OuterRef("topic"))
    rows = (
        IdentityTopic.objects.filter(identity__member=member)
        .values("topic")
        .annotate(strongest=Max("weight"), hidden=Exists(hidden))
        .order_by("-strongest", "topic")
    )
    shown, hid = [], []
    for row in rows:
        if row["hidden"]:
            hid.append(row["topic"])
        elif len(shown) < limit:
            shown.append(Topic(name=row["topic"], weight=row["strongest"]))
    return shown, sorted(hid)


def identities_topics_shown(*, identity_ids: list[int], limit: int = 10) -> list[Topic]:
    """The topics of these identities others may see: none their member hid. Strongest first."""
    hidden = HiddenTopic.objects.filter(member_id=OuterRef("identity__member_id"), topic=OuterRef("topic"))
    rows = (
        IdentityTopic.objects.filter(identity_id__in=identity_ids)
        .exclude(Exists(hidden))
        .values("topic")
        .annotate(strongest=Max("weight"))
        .order_by("-strongest", "topic")[:limit]
    )
    return [Topic(name=row["topic"], weight=row["strongest"]) for row in rows]


@dataclass(frozen=True)
class _ScoreDays:
    history: list[HistoryPoint]
    current: MemberScore | None
    yesterday: MemberScore | None
    last_week: MemberScore | None


def _member_score_days(*, member: Member, history_days: int) -> _ScoreDays:
    """The member's score history, and the full snapshots of its last day, the day before and a
    week before (the nearest earlier ones where days are missing): two queries."""
    history = member_score_history(member=member, days=history_days)
    wanted: dict[str, date | None] = {"current": history[-1].day if history else None}
    if history:
        wanted["yesterday"] = _day_on_or_before(history, history[-1].day - timedelta(days=1))
        wanted["last_week"] = _day_on_or_before(history, history[-1].day - timedelta(days=7))
    days = [day for day in wanted.values() if day is not None]
    full = {s.day: s for s in MemberScore.objects.filter(member=member, day__in=days)} if days else {}
    return _ScoreDays(
        history=history,
        current=full.get(wanted["current"]),
        yesterday=full.get(wanted.get("yesterday")),
        last_week=full.get(wanted.get("last_week")),
    )


def _change(current: MemberScore, earlier: MemberScore | None) -> float | None:
    return current.score - earlier.score if earlier else None


def _moved(days: _ScoreDays) -> ChangeReport | None:
    if days.current is None or days.yesterday is None:
        return None
    return snapshot_diff(previous=_snapshot(days.yesterday), current=_snapshot(days.current))


@dataclass(frozen=True)
class MemberScoreReport:
    """The member's latest score as the score API gives it: the snapshot's figures (None, or
    empty, before the first score), how it moved, and the daily history."""

    score: float | None
    day: date | None
    model_version: str | None
    change_day: float | None
    change_week: float | None
    networks: dict[str, float]
    signals: dict[str, float]
    self_reported: float | None
    verified: bool | None
    moved: list[Change]
    history: list[HistoryPoint]


def member_score_report(*, member: Member, history_days: int = 365) -> MemberScoreReport:
    """What the score API says of a member; reads the score snapshots only (two queries)."""
    days = _member_score_days(member=member, history_days=history_days)
    current = days.current
    moved = _moved(days)
    return MemberScoreReport(
        score=current.score if current else None,
        day=current.day if current else None,
        model_version=current.model_version if current else None,
        change_day=_change(current, days.yesterday) if current else None,
        change_week=_change(current, days.last_week) if current else None,
        networks=current.networks if current else {},
        signals=current.signals if current else {},
        self_reported=current.self_reported if current else None,
        verified=current.verified if current else None,
        moved=moved.signals if moved else [],
        history=days.history,
    )


@dataclass(frozen=True)
class IdentityScoreReport:
    """What the score API says of an identity: its latest snapshot and the history up to it."""

    network: str
    handle: str
    latest: IdentityScore
    history: list[HistoryPoint]


# The API's score lookup runs these for every call: compiled once (``klout.db.prepared``).
_VISIBLE_BY_HANDLE = PreparedQuery(
    lambda network, handle: (
        identities_visible()
        .filter(network=network)
        .filter(Q(handle__iexact=handle) & ~Q(handle=""))
        .order_by("pk")[:1]
    ),
    network=str,
    handle=str,
)
_VISIBLE_BY_EXTERNAL_ID = PreparedQuery(
    lambda network, external_id: (
        identities_visible().filter(network=network, external_id=external_id).order_by("pk")[:1]
    ),
    network=str,
    external_id=str,
)
_LATEST_SNAPSHOTS: dict[int, PreparedQuery[IdentityScore]] = {}


def identity_visible_get(*, network: str, handle: str) -> Identity:
    """An identity others may see, by handle (in any case) or by its id on the network; a 404
    when there is none or it is a private member's."""
    # Two lookups, each on its own index (``identity_network_handle_ci``, then the network id):
    # as one OR the planner reads every identity of the network.
    identity = _VISIBLE_BY_HANDLE.first(network=network, handle=handle)
    if identity is None:
        identity = _VISIBLE_BY_EXTERNAL_ID.first(network=network, external_id=handle)
    if identity is None:
        raise Http404("No scored identity with that handle on that network.")
    return identity


def _latest_snapshots(days: int) -> PreparedQuery[IdentityScore]:
    # One compiled query per length of history asked for (the API allows 1 to 365 days).
    query = _LATEST_SNAPSHOTS.get(days)
    if query is None:
        query = _LATEST_SNAPSHOTS[days] = PreparedQuery(
            lambda identity_id: IdentityScore.objects.filter(identity_id=identity_id).order_by("-day")[:days],
            identity_id=int,
        )
    return query


def identity_score_report(*, identity: Identity, days: int) -> IdentityScoreReport:
    """The identity's latest ``days`` snapshots; a 404 before its first score."""
    snapshots = _latest_snapshots(days).run(identity_id=identity.pk)
    if not snapshots:
        raise Http404("This identity has no score yet.")
    return IdentityScoreReport(
        network=identity.network,
        handle=identity.handle or identity.external_id,
        latest=snapshots[0],
        history=[
            HistoryPoint(day=s.day, score=s.score, model_version=s.model_version) for s in reversed(snapshots)
        ],
    )


def member_dashboard(*, member: Member, history_days: int = 365) -> Dashboard:
    days = _member_score_days(member=member, history_days=history_days)
    identities = list(Identity.objects.filter(member=member).order_by("network", "handle"))
    accounts = list(
        ConnectedAccount.objects.filter(member=member).select_related("identity").order_by("network")
    )
    current = days.current
    dashboard = Dashboard(
        member=member,
        current=current,
        history=days.history,
        change_day=None,
        change_week=None,
        accounts=accounts,
        identities=identities,
        is_demo=any(identity.external_id.startswith("demo-") for identity in identities),
    )
    if current is None:
        return dashboard
    dashboard.change_day = _change(current, days.yesterday)
    dashboard.change_week = _change(current, days.last_week)
    dashboard.networks = _parts(current.networks, current.unsmoothed, NETWORK_NAMES)
    dashboard.signals = _parts(current.signals, current.unsmoothed, SIGNAL_WORDS)
    identity_scores = _latest_identity_scores(identities, current.day)
    dashboard.headline = _headline(identity_scores, current)
    dashboard.capped = [
        (NETWORK_NAMES.get(snapshot.identity.network, snapshot.identity.network), snapshot.counted_capped)
        for snapshot in identity_scores
        if snapshot.counted_capped > 0
    ]
    dashboard.moved = _moved(days)
    # The three aggregates over the member's interactions only change when new activity is
    # stored, and every sync or import is followed by a recompute: the snapshot's time keys them.
    key = f"dashboard:{member.pk}:{current.day}:{current.computed_at.timestamp()}"
    people = cache.get(key)
    if people is None:
        since = timezone.now() - timedelta(days=WINDOW_DAYS)
        people = (
            member_top_moments(member=member, since=since),
            member_influencers(member=member, since=since, day=current.day),
            member_influencees(member=member, since=since, day=current.day),
        )
        cache.set(key, people, timeout=6 * 3600)
    dashboard.moments, dashboard.influencers, dashboard.influencees = people
    dashboard.topics, dashboard.hidden_topics = member_topics(member=member)
    dashboard.feedback = member_feedback(member=member, since=timezone.now() - timedelta(days=WINDOW_DAYS))
    return dashboard


# --- what brands see: discovery and the influencer profile ----------------------------------


def discovery_cards() -> QuerySet[DiscoveryCard]:
    """The discovery cards of the identities others may see (``identities_visible``), asked at
    every search, so that a profile made private leaves discovery at once. ``owner_id`` is the
    member the identity belongs to now (the card's copy may be a day old); ``place``, its
    location as the profile writes it (the card's is lower case, for searching)."""
    visible = identities_visible().filter(pk=OuterRef("identity_id"))
    return DiscoveryCard.objects.filter(Exists(visible)).annotate(
        owner_id=F("identity__member_id"), place=F("identity__location")
    )


def members_hidden_topics(*, member_ids: list[int]) -> dict[int, set[str]]:
    hidden: dict[int, set[str]] = {}
    for member_id, topic in HiddenTopic.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "topic"
    ):
        hidden.setdefault(member_id, set()).add(topic)
    return hidden


def identity_visible_by_id(*, identity_id: int) -> Identity:
    """An identity others may see, with its member; a 404 when there is none, when it is a
    private member's, or when it has no score: the three are told apart by no one."""
    scored = IdentityScore.objects.filter(identity_id=OuterRef("pk"))
    identity = (
        identities_visible().filter(Exists(scored), pk=identity_id).select_related("member__user").first()
    )
    if identity is None:
        raise Http404("No such influencer")
    return identity
