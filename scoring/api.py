"""The score API: scores and daily history of visible identities, and of the member themself.

Personal tokens (``accounts.api_auth``); docs/api.md and /api/docs/ say the rest.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_auth import api_member
from klout.api import ApiView, errors, etag_response, valid_input
from scoring.engine.model import NETWORKS
from scoring.history import history_span, identity_score_days, member_score_days
from scoring.selectors import identity_score_report, identity_visible_get, member_score_report

HISTORY_DAYS_DEFAULT, HISTORY_DAYS_MAX = 90, 365


class HistoryPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.FloatField()


class ChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    before = serializers.FloatField()
    after = serializers.FloatField()
    delta = serializers.FloatField()


# Renders scoring.selectors.MemberScoreReport; the docstring is the schema's description.
class MemberScoreSerializer(serializers.Serializer):
    """The member's latest score, what it is made of, how it moved since the day before, and its
    daily history (empty, with null figures, before the first score)."""

    score = serializers.FloatField(allow_null=True)
    day = serializers.DateField(allow_null=True)
    model_version = serializers.CharField(allow_null=True)
    change_since_yesterday = serializers.FloatField(allow_null=True, source="change_day")
    change_since_last_week = serializers.FloatField(allow_null=True, source="change_week")
    networks = serializers.DictField(child=serializers.FloatField(), help_text="Score points per network.")
    signals = serializers.DictField(child=serializers.FloatField(), help_text="Score points per signal.")
    self_reported_points = serializers.FloatField(
        allow_null=True,
        source="self_reported",
        help_text="Points of the day's score that rest on the member's own uploads.",
    )
    verified = serializers.BooleanField(
        allow_null=True, help_text="True when at most 5% of the score rests on self-reported data."
    )
    moved_since_yesterday = ChangeSerializer(many=True, source="moved")
    history = HistoryPointSerializer(many=True)


# Renders scoring.selectors.IdentityScoreReport.
class IdentityScoreSerializer(serializers.Serializer):
    """The identity's latest score, what it is made of, and its daily history."""

    network = serializers.CharField()
    handle = serializers.CharField()
    score = serializers.FloatField(source="latest.score")
    day = serializers.DateField(source="latest.day")
    model_version = serializers.CharField(source="latest.model_version")
    signals = serializers.DictField(child=serializers.FloatField(), source="latest.signals")
    self_reported_points = serializers.FloatField(
        source="latest.self_reported",
        help_text="Points of the score that rest on self-reported data (uploads).",
    )
    verified = serializers.BooleanField(
        source="latest.verified", help_text="True when at most 5% of the score rests on self-reported data."
    )
    received = serializers.DictField(
        child=serializers.IntegerField(),
        source="latest.received",
        help_text="Reactions received in the 90-day window, by kind.",
    )
    distinct_actors = serializers.IntegerField(source="latest.distinct_actors")
    history = HistoryPointSerializer(many=True)


@extend_schema_field(OpenApiTypes.INT)
class HistoryDaysField(serializers.Field):
    """A number of days of history, brought within 1 to ``HISTORY_DAYS_MAX`` rather than refused."""

    default_error_messages = {"invalid": "Give a whole number of days."}

    def get_value(self, dictionary):
        # An empty ?days= is a mistake to report, not a request for the default (DRF's fields
        # read an empty query value as absent).
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data) -> int:
        try:
            days = int(data)
        except (TypeError, ValueError):
            self.fail("invalid")
        return min(HISTORY_DAYS_MAX, max(1, days))

    def to_representation(self, value) -> int:
        return value


class IdentityScoreQuerySerializer(serializers.Serializer):
    days = HistoryDaysField(
        required=False,
        default=HISTORY_DAYS_DEFAULT,
        help_text=f"Days of history (default {HISTORY_DAYS_DEFAULT}, max {HISTORY_DAYS_MAX}).",
    )


class QueryDateField(serializers.DateField):
    """A day in the query; ``?to=`` with nothing after it is a mistake to report, not the default."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class HistoryQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared under it below.
    to = QueryDateField(required=False, help_text="The last day, YYYY-MM-DD (default today).")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = QueryDateField(
            required=False,
            help_text=(
                "The first day, YYYY-MM-DD (default 89 days before the last). A span longer than "
                "366 days is cut to the last 366; a first day after the last is a 400."
            ),
        )
        return fields

    def validate(self, attrs):
        since, until = history_span(since=attrs.get("from"), until=attrs.get("to"))
        return {"since": since, "until": until}


class DayPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.FloatField(help_text="The published score of the day, 0 to 100.")
    unsmoothed = serializers.FloatField(
        help_text="The day's own score before smoothing; the parts add up to it."
    )
    signals = serializers.DictField(child=serializers.FloatField(), help_text="Score points per signal.")
    networks = serializers.DictField(child=serializers.FloatField(), help_text="Score points per network.")
    self_reported_points = serializers.FloatField(source="self_reported")
    model_version = serializers.CharField()


class IdentityDayPointSerializer(DayPointSerializer):
    networks = serializers.SerializerMethodField(help_text="Score points per network: this identity's one.")

    def get_networks(self, snapshot) -> dict[str, float]:
        return {snapshot.identity.network: snapshot.unsmoothed}


class HistorySerializer(serializers.Serializer):
    since = serializers.DateField(help_text="The first day asked for.")
    until = serializers.DateField(help_text="The last day asked for.")
    points = DayPointSerializer(many=True, help_text="One point per day that has a score, oldest first.")


class IdentityHistorySerializer(HistorySerializer):
    network = serializers.CharField()
    handle = serializers.CharField()
    points = IdentityDayPointSerializer(many=True)


IDENTITY_PATH = [
    OpenApiParameter("network", str, OpenApiParameter.PATH, enum=list(NETWORKS)),
    OpenApiParameter(
        "handle", str, OpenApiParameter.PATH, description="The handle (any case) or the network's id."
    ),
]
SCORE_READS = {"GET": "scores:read"}
ME_READS = {"GET": "me:read"}


class MyScoreApi(ApiView):
    required_scopes = ME_READS
    throttle_scope = "me"

    @extend_schema(
        responses={200: MemberScoreSerializer, **errors(401, 403, 429)},
        summary="My score, explained",
        description="Needs a member's token with `me:read`.",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        report = member_score_report(member=api_member(request))
        return etag_response(request, MemberScoreSerializer(report).data)


class MyHistoryApi(ApiView):
    required_scopes = ME_READS
    throttle_scope = "me"
    query_serializer = HistoryQuerySerializer

    @extend_schema(
        parameters=[HistoryQuerySerializer],
        responses={200: HistorySerializer, **errors(400, 401, 403, 429)},
        summary="My daily scores, with their signal and network parts",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        member = api_member(request)
        span = valid_input(HistoryQuerySerializer, request.query_params)
        points = member_score_days(member=member, since=span["since"], until=span["until"])
        data = HistorySerializer({**span, "points": points}).data
        return etag_response(request, data)


class IdentityScoreApi(ApiView):
    required_scopes = SCORE_READS
    throttle_scope = "scores"
    query_serializer = IdentityScoreQuerySerializer

    @extend_schema(
        responses={200: IdentityScoreSerializer, 304: None, **errors(400, 401, 403, 404, 429)},
        summary="An identity's latest score and its history (by handle or network id)",
        description=(
            "Needs `scores:read`. A private member's identity, an opted-out one and one with no "
            "score yet answer 404, exactly like a handle that does not exist. Send the `ETag` back "
            "in `If-None-Match` to get a 304 while the score has not changed."
        ),
        parameters=[*IDENTITY_PATH, IdentityScoreQuerySerializer],
        examples=[
            OpenApiExample(
                "score",
                response_only=True,
                value={
                    "network": "x", "handle": "ada", "score": 61.2, "day": "2026-12-01", "model_version": "1",
                    "signals": {"reposts": 14.1, "replies": 9.3},
                    "self_reported_points": 0.0, "verified": True,
                    "received": {"repost": 120, "reply": 44}, "distinct_actors": 130,
                    "history": [{"day": "2026-11-30", "score": 60.8}, {"day": "2026-12-01", "score": 61.2}],
                },
            )
        ],
        tags=["scores"],
    )  # fmt: skip
    def get(self, request: Request, network: str, handle: str) -> Response:
        days = valid_input(IdentityScoreQuerySerializer, request.query_params)["days"]
        identity = identity_visible_get(network=network, handle=handle)
        report = identity_score_report(identity=identity, days=days)
        return etag_response(request, IdentityScoreSerializer(report).data)


class IdentityHistoryApi(ApiView):
    required_scopes = SCORE_READS
    throttle_scope = "scores"
    query_serializer = HistoryQuerySerializer

    @extend_schema(
        parameters=[*IDENTITY_PATH, HistoryQuerySerializer],
        responses={200: IdentityHistorySerializer, **errors(400, 401, 403, 404, 429)},
        summary="An identity's daily scores, with their signal and network parts",
        tags=["scores"],
    )
    def get(self, request: Request, network: str, handle: str) -> Response:
        span = valid_input(HistoryQuerySerializer, request.query_params)
        identity = identity_visible_get(network=network, handle=handle)
        points = identity_score_days(identity=identity, since=span["since"], until=span["until"])
        for point in points:
            point.identity = identity  # one identity for every point: no query per point
        data = IdentityHistorySerializer(
            {
                "network": identity.network,
                "handle": identity.handle or identity.external_id,
                **span,
                "points": points,
            }
        ).data
        return etag_response(request, data)
