"""The score API: a member's own score, and the score of any visible identity.

Token authentication (``Authorization: Token <key>``; keys are issued in the admin or by
``manage.py drf_create_token``) or the signed-in session. The OpenAPI schema is at /api/schema/.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import member_for_request
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


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The request's validated query parameters; a 400 naming each bad one (one message each)."""
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise serializers.ValidationError({name: errors[0] for name, errors in query.errors.items()})
    return query.validated_data


class MyScoreApi(APIView):
    @extend_schema(responses=MemberScoreSerializer, summary="The signed-in member's score, explained")
    def get(self, request: Request) -> Response:
        member = member_for_request(request)
        if member is None:
            raise Http404("Only influencer accounts have a score.")
        return Response(MemberScoreSerializer(member_score_report(member=member)).data)


class IdentityScoreApi(APIView):
    @extend_schema(
        responses=IdentityScoreSerializer,
        summary="An identity's latest score and its history (by handle or network id)",
        parameters=[IdentityScoreQuerySerializer],
    )
    def get(self, request: Request, network: str, handle: str) -> Response:
        identity = identity_visible_get(network=network, handle=handle)
        days = _query(IdentityScoreQuerySerializer, request)["days"]
        return Response(IdentityScoreSerializer(identity_score_report(identity=identity, days=days)).data)
