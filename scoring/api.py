"""The score API: a member's own score, and the score of any visible identity.

Token authentication (``Authorization: Token <key>``; keys are issued in the admin or by
``manage.py drf_create_token``) or the signed-in session. The OpenAPI schema is at /api/schema/.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import member_for_request
from connectors.selectors import identities_visible
from scoring.models import IdentityScore
from scoring.selectors import member_dashboard


class HistoryPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.FloatField()


class ChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    before = serializers.FloatField()
    after = serializers.FloatField()
    delta = serializers.FloatField()


class MemberScoreSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    day = serializers.DateField(allow_null=True)
    model_version = serializers.CharField(allow_null=True)
    change_since_yesterday = serializers.FloatField(allow_null=True)
    change_since_last_week = serializers.FloatField(allow_null=True)
    networks = serializers.DictField(child=serializers.FloatField(), help_text="Score points per network.")
    signals = serializers.DictField(child=serializers.FloatField(), help_text="Score points per signal.")
    self_reported_points = serializers.FloatField(
        allow_null=True, help_text="Points of the day's score that rest on the member's own uploads."
    )
    verified = serializers.BooleanField(
        allow_null=True, help_text="True when at most 5% of the score rests on self-reported data."
    )
    moved_since_yesterday = ChangeSerializer(many=True)
    history = HistoryPointSerializer(many=True)


class IdentityScoreSerializer(serializers.Serializer):
    network = serializers.CharField()
    handle = serializers.CharField()
    score = serializers.FloatField()
    day = serializers.DateField()
    model_version = serializers.CharField()
    signals = serializers.DictField(child=serializers.FloatField())
    self_reported_points = serializers.FloatField(
        help_text="Points of the score that rest on self-reported data (uploads)."
    )
    verified = serializers.BooleanField(
        help_text="True when at most 5% of the score rests on self-reported data."
    )
    received = serializers.DictField(
        child=serializers.IntegerField(), help_text="Reactions received in the 90-day window, by kind."
    )
    distinct_actors = serializers.IntegerField()
    history = HistoryPointSerializer(many=True)


class MyScoreApi(APIView):
    @extend_schema(responses=MemberScoreSerializer, summary="The signed-in member's score, explained")
    def get(self, request: Request) -> Response:
        member = member_for_request(request)
        if member is None:
            raise Http404("Only influencer accounts have a score.")
        d = member_dashboard(member=member)
        current = d.current
        data = {
            "score": current.score if current else None,
            "day": current.day if current else None,
            "model_version": current.model_version if current else None,
            "change_since_yesterday": d.change_day,
            "change_since_last_week": d.change_week,
            "networks": current.networks if current else {},
            "signals": current.signals if current else {},
            "self_reported_points": current.self_reported if current else None,
            "verified": current.verified if current else None,
            "moved_since_yesterday": [
                {"name": c.name, "before": c.before, "after": c.after, "delta": c.delta}
                for c in (d.moved.signals if d.moved else [])
            ],
            "history": [{"day": s.day, "score": s.score} for s in d.history],
        }
        return Response(MemberScoreSerializer(data).data)


class IdentityScoreApi(APIView):
    @extend_schema(
        responses=IdentityScoreSerializer,
        summary="An identity's latest score and its history (by handle or network id)",
        parameters=[OpenApiParameter("days", int, description="Days of history (default 90, max 365).")],
    )
    def get(self, request: Request, network: str, handle: str) -> Response:
        identity = (
            identities_visible()
            .filter(Q(handle__iexact=handle) | Q(external_id=handle), network=network)
            .first()
        )
        if identity is None:
            raise Http404("No scored identity with that handle on that network.")
        try:
            days = min(365, max(1, int(request.query_params.get("days", 90))))
        except ValueError:
            raise serializers.ValidationError({"days": "Give a whole number of days."}) from None
        history = list(IdentityScore.objects.filter(identity=identity).order_by("-day")[:days])
        if not history:
            raise Http404("This identity has no score yet.")
        latest = history[0]
        data = {
            "network": identity.network,
            "handle": identity.handle or identity.external_id,
            "score": latest.score,
            "day": latest.day,
            "model_version": latest.model_version,
            "signals": latest.signals,
            "self_reported_points": latest.self_reported,
            "verified": latest.verified,
            "received": latest.received,
            "distinct_actors": latest.distinct_actors,
            "history": [{"day": s.day, "score": s.score} for s in reversed(history)],
        }
        return Response(IdentityScoreSerializer(data).data)
