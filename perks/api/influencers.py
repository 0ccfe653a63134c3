"""Influencer search for a brand's token: the discovery page's filters, cursor-paginated."""

from __future__ import annotations

import base64
import binascii
import json

from django.db.models import Q, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from accounts.api_auth import api_brand
from connectors.records import NETWORKS
from klout.api import ApiView, errors, valid_input
from perks.api.common import PAGE_QUERY, Pages
from perks.filters import SORTS, TONE_JUDGED_MIN, TONES, DiscoveryFilter
from scoring.models import DiscoveryCard
from scoring.selectors import discovery_cards, members_hidden_topics

# --- influencers --------------------------------------------------------------------------------

# The API's names for discovery's filters (``perks.filters.DiscoveryFilter``).
INFLUENCER_FILTERS = {
    "min_score": "score_min",
    "max_score": "score_max",
    "network": "network",
    "topic": "topic",
    "country": "location",
    "language": "language",
    "q": "words",
    "tone": "tone",
    "ordering": "sort",
}


class StrictQueryMixin:
    """A query parameter given with nothing after it (``?min_score=``) is a mistake to report, not
    the default (DRF's fields read an empty query value as absent)."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class QueryFloatField(StrictQueryMixin, serializers.FloatField):
    pass


class QueryChoiceField(StrictQueryMixin, serializers.ChoiceField):
    pass


class InfluencerQuerySerializer(serializers.Serializer):
    min_score = QueryFloatField(required=False, min_value=0, max_value=100, help_text="0 to 100.")
    max_score = QueryFloatField(required=False, min_value=0, max_value=100, help_text="0 to 100.")
    network = QueryChoiceField(choices=list(NETWORKS), required=False)
    topic = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="One topic, such as coffee or #running."
    )
    country = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=(
            "Part of the place written in the public profile (France, Lyon). Never matched against "
            "the country a member gives for perks, which no brand sees."
        ),
    )
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=16, help_text="The language posted in most: en, es, de…"
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words in the bio or recent posts; every word must appear (roast also finds roasting).",
    )
    tone = QueryChoiceField(
        choices=list(TONES),
        required=False,
        help_text=(
            "The tone of the replies and quotes they received in 90 days (English only; at least "
            f"{TONE_JUDGED_MIN} judged): positive (half or more positive) or calm (a fifth or less negative)."
        ),
    )
    ordering = QueryChoiceField(
        choices=list(SORTS),
        required=False,
        default="score",
        help_text="Highest first: score, change (over 30 days), audience or engagement (reactions per post).",
    )


def influencers_search(query: dict) -> QuerySet[DiscoveryCard]:
    """Discovery's cards matching ``query`` (the API's names), through the page's own filters."""
    data = {INFLUENCER_FILTERS[name]: value for name, value in query.items() if value not in (None, "")}
    filterset = DiscoveryFilter(data, queryset=discovery_cards())
    if not filterset.is_valid():
        api_names = {field: name for name, field in INFLUENCER_FILTERS.items()}
        raise serializers.ValidationError(
            {api_names.get(field, field): list(messages) for field, messages in filterset.errors.items()}
        )
    return filterset.qs


class DiscoveryCursor(Pages):
    """Pages of discovery, keyed on the sort's value and then the identity: many cards share a
    value (a change or an engagement of 0), and however many do, a page never repeats or skips
    one. The cursor holds the last row's value and identity, not an offset."""

    page_size = 25

    def __init__(self, sort: str = "score"):
        self.sort = sort
        self.ordering = (f"-{sort}", "-identity_id")

    def _decode(self, request: Request) -> tuple[float, int, bool] | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            value, identity_id, backwards = json.loads(base64.urlsafe_b64decode(encoded.encode()))
        except (TypeError, ValueError, binascii.Error):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        numbers = isinstance(value, int | float) and isinstance(identity_id, int)
        if not numbers or isinstance(value, bool) or not isinstance(backwards, bool):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return value, identity_id, backwards

    def _link(self, card: DiscoveryCard, *, backwards: bool) -> str:
        position = [getattr(card, self.sort), card.identity_id, backwards]
        encoded = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        key = self.sort
        cursor = self._decode(request)
        backwards = bool(cursor and cursor[2])
        if cursor is not None:
            value, identity_id, _ = cursor
            if backwards:
                beyond = Q(**{f"{key}__gt": value}) | Q(**{key: value, "identity_id__gt": identity_id})
            else:
                beyond = Q(**{f"{key}__lt": value}) | Q(**{key: value, "identity_id__lt": identity_id})
            queryset = queryset.filter(beyond)
        order = (key, "identity_id") if backwards else self.ordering
        rows = list(queryset.order_by(*order)[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
        self.has_next = more if not backwards else bool(self.page)
        self.has_previous = (cursor is not None and bool(self.page)) if not backwards else more
        return self.page

    def get_next_link(self) -> str | None:
        return self._link(self.page[-1], backwards=False) if self.has_next else None

    def get_previous_link(self) -> str | None:
        return self._link(self.page[0], backwards=True) if self.has_previous else None


class InfluencerSerializer(serializers.Serializer):
    """One influencer as discovery shows them: nothing a member keeps private."""

    identity_id = serializers.IntegerField()
    network = serializers.CharField()
    handle = serializers.CharField()
    name = serializers.CharField()
    location = serializers.CharField(help_text="The place the public profile gives, as it writes it.")
    language = serializers.CharField(help_text="The language posted in most (empty when unknown).")
    score = serializers.FloatField()
    day = serializers.DateField(help_text="The day of the score.")
    change = serializers.FloatField(help_text="Score change over the last 30 days.")
    audience = serializers.IntegerField(help_text="Followers.")
    engagement = serializers.FloatField(help_text="Reactions received per post in the 90-day window.")
    posts = serializers.IntegerField(help_text="Posts in the window.")
    verified = serializers.BooleanField(
        help_text="True when the score rests on data read from the networks, not on uploaded files."
    )
    topics = serializers.ListField(child=serializers.CharField(), help_text="Strongest first.")
    profile_url = serializers.URLField(help_text="The influencer's page for the brand's team.")


def influencer_rows(request: Request, *, brand, cards: list[DiscoveryCard]) -> list[dict]:
    # Read again here, as the page does: a topic hidden after the card was written must not show.
    hidden = members_hidden_topics(member_ids=[card.owner_id for card in cards if card.owner_id])
    return [
        {
            "identity_id": card.identity_id,
            "network": card.network,
            "handle": card.handle,
            "name": card.name,
            "location": card.place or "",
            "language": card.language,
            "score": card.score,
            "day": card.day,
            "change": card.change,
            "audience": card.audience,
            "engagement": card.engagement,
            "posts": card.posts,
            "verified": card.verified,
            "topics": [t for t in card.topic_list if t not in hidden.get(card.owner_id, set())],
            "profile_url": request.build_absolute_uri(
                reverse("perks:influencer", args=[brand.slug, card.identity_id])
            ),
        }
        for card in cards
    ]


class InfluencersApi(ApiView):
    required_scopes = {"GET": "scores:read"}
    throttle_scope = "search"
    pagination_class = DiscoveryCursor
    query_serializer = InfluencerQuerySerializer
    allowed_query = PAGE_QUERY

    @extend_schema(
        parameters=[InfluencerQuerySerializer],
        responses={200: InfluencerSerializer(many=True), **errors(400, 401, 403, 404, 429)},
        summary="Find influencers: discovery's filters, sorted and paged",
        description=(
            "Needs a brand's token with `scores:read`. The people discovery shows, and only them: "
            "a member who made their profile private or opted out is never listed. Pages of 25 "
            "(`page_size` up to 200); follow `next` until it is null. A 404 is a cursor that was "
            "tampered with."
        ),
        examples=[
            OpenApiExample(
                "influencers",
                response_only=True,
                value={
                    "next": "https://klout.example/api/v1/influencers/?cursor=WzYxLjIsIDQyLCBmYWxzZV0%3D",
                    "previous": None,
                    "results": [
                        {
                            "identity_id": 42, "network": "x", "handle": "ada", "name": "Ada",
                            "location": "Lyon, France", "language": "fr", "score": 61.2, "day": "2026-12-01",
                            "change": 2.4, "audience": 12345, "engagement": 18.5, "posts": 40,
                            "verified": True, "topics": ["coffee", "latteart"],
                            "profile_url": "https://klout.example/brands/bean-co/influencers/42/",
                        }
                    ],
                },
            )
        ],
        tags=["influencers"],
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        brand = api_brand(request).brand
        query = valid_input(InfluencerQuerySerializer, request.query_params)
        paginator = self.pagination_class(sort=query["ordering"])
        cards = paginator.paginate_queryset(influencers_search(query), request, view=self)
        rows = influencer_rows(request, brand=brand, cards=cards)
        return paginator.get_paginated_response(InfluencerSerializer(rows, many=True).data)
