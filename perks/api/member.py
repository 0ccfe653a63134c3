"""The member's side of perks, for a member's token: the perks open to them, claiming,
declining and saying one arrived; another member's claim answers 404 like a missing one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_auth import api_member
from klout.api import ApiView, Conflict, errors, valid_input
from perks import claims, selectors
from perks.api.brand import TermsSerializer
from perks.api.common import (
    CLAIM_PATH,
    CLAIM_WRITES,
    JSON_ONLY,
    PERK_PATH,
    PERK_READS,
    JsonCharField,
    image_url,
    refusals_as_conflicts,
)
from perks.mail import DISCLOSURE
from perks.models import Claim, Perk

# --- the member's side ------------------------------------------------------------------------


class MemberPerkSerializer(serializers.Serializer):
    """A perk open to the member."""

    id = serializers.IntegerField()
    brand = serializers.CharField(source="brand.name")
    title = serializers.CharField()
    description = serializers.CharField()
    offer = serializers.CharField(help_text="What the member receives.")
    image_url = serializers.SerializerMethodField()
    quantity = serializers.IntegerField()
    left = serializers.IntegerField()
    needs_shipping = serializers.BooleanField(help_text="Whether claiming it asks for a shipping address.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    campaign_tag = serializers.CharField(help_text="What posts about it carry.")

    def get_image_url(self, perk: Perk) -> str | None:
        return image_url(self.context["request"], perk)


class MemberClaimSerializer(serializers.Serializer):
    """One of the member's claims, or a perk a brand offered them directly (state offered)."""

    id = serializers.IntegerField()
    perk_id = serializers.IntegerField()
    brand = serializers.CharField(source="perk.brand.name")
    state = serializers.ChoiceField(choices=Claim.State.choices)
    terms = TermsSerializer()
    shipping_address = serializers.CharField(help_text="Given to this brand only, for this claim only.")
    contact_email = serializers.CharField(help_text="Given to this brand only, for this claim only.")
    tracking_url = serializers.CharField(help_text="The brand's tracking link, once shipped.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class MyPerksSerializer(serializers.Serializer):
    open = MemberPerkSerializer(
        many=True, help_text="Published perks open today that the member may claim and has not acted on."
    )
    claims = MemberClaimSerializer(
        many=True, help_text="The member's claims, and the perks offered to them (state offered)."
    )
    disclosure = serializers.CharField(help_text="What posting about a perk asks of the member.")


class ClaimInputSerializer(serializers.Serializer):
    shipping_address = JsonCharField(
        required=False,
        allow_blank=True,
        help_text="Required when the perk needs shipping. Given to this brand only, for this perk only.",
    )
    contact_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="Where the brand may write about this perk; the account's address when empty.",
    )


class MyPerksApi(ApiView):
    required_scopes = {"GET": PERK_READS}
    throttle_scope = "perks"

    @extend_schema(
        responses={200: MyPerksSerializer, **errors(400, 401, 403, 429)},
        summary="My perks: those open to me, those offered to me, and my claims",
        description="Needs a member's token with `perks:read`.",
        tags=["perks (member)"],
    )
    def get(self, request: Request) -> Response:
        member = api_member(request)
        data = {
            "open": selectors.member_perks_open(member=member),
            "claims": selectors.member_claims(member=member),
            "disclosure": DISCLOSURE,
        }
        return Response(MyPerksSerializer(data, context={"request": request}).data)


class PerkClaimApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"POST": CLAIM_WRITES}
    throttle_scope = "claims"

    @extend_schema(
        parameters=[PERK_PATH],
        request=ClaimInputSerializer,
        responses={
            201: MemberClaimSerializer,
            200: MemberClaimSerializer,
            **errors(400, 401, 403, 404, 409, 429),
        },
        summary="Claim a perk",
        description=(
            "Needs a member's token with `claims:write`. 201 with the new claim; 200 with the claim "
            "already made when the member had claimed it before. A 409 when every unit is claimed, "
            "the perk has closed or ended, the member no longer meets its rules, or their claim "
            "was declined, cancelled or expired. A perk the member may not see is a 404, like a "
            "missing one. A 400 names a missing address or a bad email."
        ),
        examples=[
            OpenApiExample(
                "claim",
                request_only=True,
                value={
                    "shipping_address": "1 Rue de la Paix\n75002 Paris",
                    "contact_email": "ada@example.com",
                },
            )
        ],
        tags=["perks (member)"],
    )
    def post(self, request: Request, perk_id: int) -> Response:
        member = api_member(request)
        perk, before = selectors.perk_get_for_member(member=member, perk_id=perk_id)
        contact = valid_input(ClaimInputSerializer, request.data)
        with refusals_as_conflicts():
            claim = claims.perk_claim(
                perk=perk,
                member=member,
                shipping_address=contact.get("shipping_address", ""),
                contact_email=contact.get("contact_email", ""),
            )
        held_before = before is not None and before.state in Claim.HOLDING
        return Response(
            MemberClaimSerializer(claim).data,
            status=status.HTTP_200_OK if held_before else status.HTTP_201_CREATED,
        )


class PerkDeclineApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"POST": CLAIM_WRITES}
    throttle_scope = "claims"

    @extend_schema(
        parameters=[PERK_PATH],
        request=None,
        responses={200: MemberClaimSerializer, **errors(400, 401, 403, 404, 409, 429)},
        summary="Decline a perk a brand offered me",
        description=(
            "Needs a member's token with `claims:write`. Only an offer can be declined: a 409 for a "
            "perk never offered to the member (leave it unclaimed) or a claim already made."
        ),
        tags=["perks (member)"],
    )
    def post(self, request: Request, perk_id: int) -> Response:
        member = api_member(request)
        _, claim = selectors.perk_get_for_member(member=member, perk_id=perk_id)
        if claim is None:
            raise Conflict(
                "This perk was not offered to you, so there is nothing to decline: leave it unclaimed."
            )
        with refusals_as_conflicts():
            claim = claims.claim_decline(claim=claim, member=member)
        return Response(MemberClaimSerializer(claim).data)


class ClaimReceivedApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"POST": CLAIM_WRITES}
    throttle_scope = "claims"

    @extend_schema(
        parameters=[CLAIM_PATH],
        request=None,
        responses={200: MemberClaimSerializer, **errors(400, 401, 403, 404, 409, 429)},
        summary="Say a claimed perk has arrived",
        description=(
            "Needs a member's token with `claims:write`. Another member's claim is a 404; a 409 for "
            "a claim that is not claimed or shipped."
        ),
        tags=["perks (member)"],
    )
    def post(self, request: Request, claim_id: int) -> Response:
        member = api_member(request)
        claim = selectors.claim_get_for_member(member=member, claim_id=claim_id)
        with refusals_as_conflicts():
            claim = claims.claim_receive(claim=claim, member=member)
        return Response(MemberClaimSerializer(claim).data)
