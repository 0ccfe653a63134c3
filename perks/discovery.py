"""The brand team's pages for finding people: discovery and the influencer profile.

Both act for the brand in the URL (``perks.access.brand_view``: anyone off its team gets a 404)
and read through the selectors: the cards of the identities others may see
(``scoring.selectors.discovery_cards``, the one visibility rule), their scores and the topics
their members did not hide. A discovery page costs the same few queries whatever it shows: the
page of cards (one more than shown, to know of a next page; each card holds its sparkline), their
members' hidden topics and the brand's shortlists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.selectors import brand_memberships, member_is_public
from connectors.meta_graph import meta_configured
from connectors.models import DiscoveryAccount
from connectors.selectors import identities_visible
from perks.access import brand_view
from perks.filters import COMMON_LANGUAGES, SORTS, DiscoveryFilter
from perks.outcome import perk_outcome
from perks.selectors import brand_shortlists, member_claims
from scoring.cards import SPARK_DAYS
from scoring.models import DiscoveryCard
from scoring.selectors import (
    WINDOW_DAYS,
    HistoryPoint,
    chart_points,
    discovery_cards,
    identities_top_moments,
    identities_topics_shown,
    identity_score_report,
    identity_visible_by_id,
    members_hidden_topics,
)

PAGE_SIZE = 25
# Pages a search can be followed to; past them a search is narrowed rather than paged through.
MAX_PAGES = 40
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3
# The least span of scores a sparkline's height stands for: a move of 0.3 points is not drawn
# as a cliff.
SPARK_MIN_SPAN = 6.0


@dataclass(frozen=True)
class Sparkline:
    points: str  # SVG polyline points, "x,y x,y ..."
    first: float
    last: float
    days: int
    end: tuple[str, str]  # the last point, marked with a dot

    @property
    def label(self) -> str:
        return f"Score over the last {self.days} days: from {self.first:.0f} to {self.last:.0f}"


def sparkline(history: list[HistoryPoint], *, until: date, days: int = SPARK_DAYS) -> Sparkline | None:
    """The days of ``history`` in the ``days`` up to ``until`` as a small line, scaled to its own
    range (at least ``SPARK_MIN_SPAN``), so that a rise shows."""
    since = until - timedelta(days=days - 1)
    shown = [point for point in history if since <= point.day <= until]
    if not shown:
        return None
    scores = [point.score for point in shown]
    low, high = min(scores), max(scores)
    if high - low < SPARK_MIN_SPAN:
        middle = (high + low) / 2
        low, high = middle - SPARK_MIN_SPAN / 2, middle + SPARK_MIN_SPAN / 2
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    coordinates = []
    for point in shown:
        x = (point.day - since).days / max(days - 1, 1) * SPARK_WIDTH
        y = SPARK_PAD + (high - point.score) / (high - low) * inner
        coordinates.append(f"{x:.1f},{y:.1f}")
    if len(coordinates) == 1:
        # One day: a short level line, so that there is something to see.
        x, y = coordinates[0].split(",")
        coordinates.insert(0, f"{max(float(x) - 6, 0):.1f},{y}")
    end = tuple(coordinates[-1].split(","))
    return Sparkline(points=" ".join(coordinates), first=scores[0], last=scores[-1], days=days, end=end)


@dataclass(frozen=True)
class Row:
    card: DiscoveryCard
    topics: list[str]
    sparkline: Sparkline | None
    profile_url: str
    shortlist_form: SafeString

    # The figures as the row shows them, formatted here rather than by a template filter per cell.
    @property
    def score_text(self) -> str:
        return f"{self.card.score:.0f}"

    @property
    def change_text(self) -> str:
        change = round(self.card.change, 1) or 0.0  # never "-0.0"
        return f"{change:+.1f}" if change > 0 else f"{change:.1f}"

    @property
    def engagement_text(self) -> str:
        return f"{self.card.engagement:.1f}"

    @property
    def audience_text(self) -> str:
        return f"{self.card.audience:,}"


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGES)


# Stand-ins for the row's identity in the shortlist form rendered once for the whole page; a NUL
# cannot come from anyone's input (Django's forms refuse it), so it is never replaced by mistake.
_ROW_ID, _ROW_LABEL = "\x00id\x00", "\x00label\x00"


def _shortlist_form_stamp(request: HttpRequest, *, brand) -> str:
    """The "Add to shortlist" form with stand-ins for the row's identity: rendered once per page
    and filled in for each row, instead of rendering the same form (every shortlist an option) 25
    times."""
    return render_to_string(
        "perks/_discover_shortlist_form.html",
        {
            "shortlist_add_url": reverse("perks:shortlist_add", args=[brand.slug]),
            "shortlists": list(brand_shortlists(brand=brand)),
            "next": request.get_full_path(),
            "identity_id": _ROW_ID,
            "label": _ROW_LABEL,
        },
        request=request,
    )


def _rows(cards: list[DiscoveryCard], *, brand, shortlist_form: str) -> list[Row]:
    """The page's cards with their sparklines (kept on the card) and the topics their members
    show: one query."""
    if not cards:
        return []
    # Read again here: a topic hidden after the card was written must not show on it.
    hidden = members_hidden_topics(member_ids=[card.owner_id for card in cards if card.owner_id])
    # One reverse for the page: the profile addresses differ only by the identity's id.
    profile_url = reverse("perks:influencer", args=[brand.slug, 0]).removesuffix("0/") + "{}/"
    return [
        Row(
            card=card,
            topics=[topic for topic in card.topic_list if topic not in hidden.get(card.owner_id, set())],
            sparkline=sparkline(
                [HistoryPoint(day=day, score=score) for day, score in card.spark_days], until=card.day
            ),
            profile_url=profile_url.format(card.identity_id),
            shortlist_form=mark_safe(  # noqa: S308 (the form is rendered and escaped; the handle is escaped)
                shortlist_form.replace(_ROW_ID, str(card.identity_id)).replace(
                    _ROW_LABEL, escape(f"@{card.handle}")
                )
            ),
        )
        for card in cards
    ]


def _page_query(request: HttpRequest, page: int) -> str:
    """The search's query string, on another page."""
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()


@brand_view
def discover(request: HttpRequest, membership) -> HttpResponse:
    brand = membership.brand
    filterset = DiscoveryFilter(request.GET, queryset=discovery_cards())
    matches = filterset.qs
    number = _page_number(request.GET.get("page"))
    offset = (number - 1) * PAGE_SIZE
    # One row more than a page says whether there is a next one. No count: counting every match
    # of a broad search costs more than the page itself (a word in a million bios).
    cards = list(matches[offset : offset + PAGE_SIZE + 1])
    more = len(cards) > PAGE_SIZE
    cards = cards[:PAGE_SIZE]
    rows = []
    if cards:
        rows = _rows(cards, brand=brand, shortlist_form=_shortlist_form_stamp(request, brand=brand))
    anyone = bool(cards) or DiscoveryCard.objects.exists()
    context = {
        "brand": brand,
        "membership": membership,
        "filterset": filterset,
        "form": filterset.form,
        "rows": rows,
        # Known exactly on the last page; otherwise "more than" what is shown so far.
        "total": None if more else offset + len(rows),
        "more": more,
        "last_page_reached": more and number == MAX_PAGES,
        "max_results": MAX_PAGES * PAGE_SIZE,
        "page": number,
        "first_shown": offset + 1,
        "last_shown": offset + len(rows),
        "previous_query": _page_query(request, number - 1) if number > 1 else "",
        "next_query": _page_query(request, number + 1) if more and number < MAX_PAGES else "",
        "sort_label": SORTS.get(filterset.form.cleaned_data.get("sort") or "score", "Score"),
        "filtered": filterset.active,
        "anyone": anyone,
        "languages": COMMON_LANGUAGES,
        "spark": {"width": SPARK_WIDTH, "height": SPARK_HEIGHT},
        "instagram_discovery": DiscoveryAccount.objects.filter(brand=brand).first(),
        "instagram_configured": meta_configured(),
    }
    return render(request, "perks/discover.html", context)


@login_required
def discover_redirect(request: HttpRequest) -> HttpResponse:
    """Discovery of the first brand the person is on the team of; a page saying how to get one
    for anyone on none."""
    first = brand_memberships(user=request.user).first()
    if first is None:
        return render(request, "perks/discover_no_brand.html")
    response = redirect("perks:discover", first.brand.slug)
    if request.GET:
        response["Location"] += "?" + request.GET.urlencode()
    return response


@login_required
def influencer_redirect(request: HttpRequest, identity_id: int) -> HttpResponse:
    first = brand_memberships(user=request.user).first()
    if first is None:
        return render(request, "perks/discover_no_brand.html")
    return redirect("perks:influencer", first.brand.slug, identity_id)


# --- the influencer profile --------------------------------------------------------------------


@dataclass(frozen=True)
class PerkSent:
    """A perk of this brand held by the influencer, and what their own posts made of it."""

    claim: object
    posts: list
    reactions: int
    undisclosed: int
    lift: float | None


def _perks_sent(*, brand, member, identity_ids: set[int]) -> list[PerkSent]:
    sent = []
    for claim in member_claims(member=member).filter(perk__brand=brand):
        outcome = perk_outcome(perk=claim.perk)
        posts = [post for post in outcome.posts if post.identity_id in identity_ids]
        lifts = [post.reactions / post.usual for post in posts if post.usual]
        sent.append(
            PerkSent(
                claim=claim,
                posts=posts,
                reactions=sum(post.reactions for post in posts),
                undisclosed=sum(1 for post in posts if not post.discloses),
                lift=round(sum(lifts) / len(lifts), 2) if lifts else None,
            )
        )
    return sent


@brand_view
def influencer(request: HttpRequest, membership, identity_id: int) -> HttpResponse:
    """What a brand may see of one influencer: nothing a member keeps private. A private
    member's identity is a 404 exactly like a missing one; contact details never show."""
    brand = membership.brand
    identity = identity_visible_by_id(identity_id=identity_id)
    # The member behind the identity counts only when their profile is public: an identity seen
    # because the network shows it says nothing about the private member who claimed it.
    member = identity.member if identity.member_id and member_is_public(member=identity.member) else None
    identities = [identity]
    if member is not None:
        others = (
            identities_visible().filter(member=member).exclude(pk=identity.pk).order_by("network", "handle")
        )
        identities += list(others)
    ids = [i.pk for i in identities]
    cards = DiscoveryCard.objects.in_bulk(ids)
    report = identity_score_report(identity=identity, days=365)
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    context = {
        "brand": brand,
        "membership": membership,
        "identity": identity,
        "card": cards.get(identity.pk),
        "latest": report.latest,
        "chart": chart_points(report.history),
        "networks": [(i, cards.get(i.pk)) for i in identities],
        "audience": sum(i.followers or 0 for i in identities),
        "topics": identities_topics_shown(identity_ids=ids),
        "moments": identities_top_moments(identity_ids=ids, since=since),
        "perks_sent": _perks_sent(brand=brand, member=member, identity_ids=set(ids)) if member else [],
        "is_member": member is not None,
        "shortlists": list(brand_shortlists(brand=brand)),
        "shortlist_add_url": reverse("perks:shortlist_add", args=[brand.slug]),
        "next": request.get_full_path(),
    }
    return render(request, "perks/influencer.html", context)
