"""The brand's perks, their claims and outcome, for a brand's token: only its own; anyone
else's answers 404 exactly like a missing one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.models import model_to_dict
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_auth import api_brand
from connectors.records import NETWORKS
from klout.api import ApiView, Conflict, errors, valid_input
from perks import claims, selectors, services
from perks.api.common import (
    CLAIM_PATH,
    CLAIM_WRITES,
    JSON_ONLY,
    PAGE_QUERY,
    PERK_PATH,
    PERK_READS,
    PERK_WRITES,
    JsonBooleanField,
    JsonCharField,
    JsonIntegerField,
    Pages,
    image_url,
    paginated,
    refusals_as_conflicts,
)
from perks.forms import PerkForm
from perks.models import Claim, Perk
from perks.outcome import Outcome, perk_outcome

# --- the brand's perks ------------------------------------------------------------------------


class PerkSerializer(serializers.Serializer):
    """A perk as its brand sees it."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=Perk.Status.choices, help_text="draft (nobody sees it), published (open), closed."
    )
    title = serializers.CharField()
    description = serializers.CharField()
    offer = serializers.CharField(help_text="What the influencer receives.")
    image_url = serializers.SerializerMethodField(help_text="The perk's image, when it has one.")
    quantity = serializers.IntegerField()
    taken = serializers.IntegerField(help_text="Units held by claims (claimed, shipped, received).")
    left = serializers.IntegerField()
    needs_shipping = serializers.BooleanField(help_text="Whether a claim asks for a shipping address.")
    min_score = serializers.IntegerField()
    networks = serializers.ListField(child=serializers.CharField(), help_text="Empty: any network.")
    countries = serializers.ListField(child=serializers.CharField(), help_text="Empty: any country.")
    topics = serializers.ListField(child=serializers.CharField(), help_text="Empty: any topic.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    campaign_tag = serializers.CharField(help_text="The hashtag or link campaign posts carry.")
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_image_url(self, perk: Perk) -> str | None:
        return image_url(self.context["request"], perk)


# Each item of a list is one value: the form would read "coffee tea" as two.
ONE_WORD = RegexValidator(r"^[^,\s]+$", "One value each, with no space or comma in it.")


class PerkInputSerializer(serializers.Serializer):
    """A perk's fields as the brand writes them; the rules are the perk form's (the page's)."""

    title = JsonCharField(help_text="At most 120 characters.")
    description = JsonCharField()
    offer = JsonCharField(help_text="What the influencer receives; at most 300 characters.")
    quantity = JsonIntegerField(help_text="1 to 100,000, and no fewer than the units already claimed.")
    needs_shipping = JsonBooleanField(required=False, help_text="Default true.")
    min_score = JsonIntegerField(required=False, help_text="0 to 100 (default 0).")
    networks = serializers.ListField(
        child=serializers.ChoiceField(choices=list(NETWORKS)), required=False, help_text="Empty: any."
    )
    countries = serializers.ListField(
        child=JsonCharField(validators=[ONE_WORD]),
        required=False,
        help_text="Two-letter codes (FR, DE); empty: any.",
    )
    topics = serializers.ListField(
        child=JsonCharField(validators=[ONE_WORD]),
        required=False,
        help_text="One word or hashtag each; empty: any.",
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="On or after starts_on.")
    campaign_tag = JsonCharField(help_text="A hashtag (#BrewDay) or a link (brand.example/brew).")


# The form's own names, without the image (the API takes JSON only).
PERK_FORM_FIELDS = [name for name in PerkForm.Meta.fields if name != "image"]


def perk_from_input(perk: Perk, data: dict) -> Perk:
    """``perk`` with ``data`` applied through the page's perk form, so that the API and the page
    keep one set of rules; a 400 naming each field the form refuses."""
    values = {**model_to_dict(perk, fields=PERK_FORM_FIELDS), **data}
    for name in ("countries", "topics"):
        # Lists on the model and in the API, one line of text in the form.
        values[name] = ", ".join(values[name] or [])
    form = PerkForm(values, instance=perk)
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                "non_field_errors" if field == "__all__" else field: list(messages)
                for field, messages in form.errors.items()
            }
        )
    return form.save(commit=False)


PERK_EXAMPLE = {
    "title": "Brew Day beans",
    "description": "Our new single-origin roast.",
    "offer": "One 250 g bag of beans",
    "quantity": 50,
    "needs_shipping": True,
    "min_score": 40,
    "networks": ["x", "mastodon"],
    "countries": ["FR", "DE"],
    "topics": ["coffee"],
    "starts_on": "2026-12-01",
    "ends_on": "2026-12-31",
    "campaign_tag": "#BrewDay",
}


class BrandPerksApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"GET": PERK_READS, "POST": PERK_WRITES}
    throttle_scope = "perks"
    pagination_class = Pages
    allowed_query = PAGE_QUERY

    @extend_schema(
        responses={200: PerkSerializer(many=True), **errors(400, 401, 403, 404, 429)},
        summary="The brand's perks, newest first",
        description="Needs a brand's token with `perks:read`. Cursor pages: follow `next` until it is null.",
        tags=["perks (brand)"],
    )
    def get(self, request: Request) -> Response:
        brand = api_brand(request).brand
        return paginated(request, self, selectors.brand_perks(brand=brand), PerkSerializer)

    @extend_schema(
        request=PerkInputSerializer,
        responses={201: PerkSerializer, **errors(400, 401, 403, 429)},
        summary="Create a perk (a draft)",
        description="Needs a brand's token with `perks:write`. Nobody sees it until it is published.",
        examples=[OpenApiExample("perk", request_only=True, value=PERK_EXAMPLE)],
        tags=["perks (brand)"],
    )
    def post(self, request: Request) -> Response:
        brand = api_brand(request).brand
        perk = perk_from_input(Perk(brand=brand), valid_input(PerkInputSerializer, request.data))
        perk = services.perk_save(perk=perk, by=request.user)
        return Response(
            PerkSerializer(perk, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class BrandPerkApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"GET": PERK_READS, "PATCH": PERK_WRITES}
    throttle_scope = "perks"

    @extend_schema(
        parameters=[PERK_PATH],
        responses={200: PerkSerializer, **errors(400, 401, 403, 404, 429)},
        summary="One of the brand's perks",
        description="Needs a brand's token with `perks:read`. Another brand's perk is a 404.",
        tags=["perks (brand)"],
    )
    def get(self, request: Request, perk_id: int) -> Response:
        perk = selectors.perk_get_for_brand(brand=api_brand(request).brand, perk_id=perk_id)
        return Response(PerkSerializer(perk, context={"request": request}).data)

    @extend_schema(
        parameters=[PERK_PATH],
        request=PerkInputSerializer,
        responses={200: PerkSerializer, **errors(400, 401, 403, 404, 429)},
        summary="Change some of a perk's fields",
        description=(
            "Needs a brand's token with `perks:write`. A published perk may be changed too: claims "
            "already made keep the terms their member accepted."
        ),
        examples=[OpenApiExample("more units", request_only=True, value={"quantity": 80})],
        tags=["perks (brand)"],
    )
    def patch(self, request: Request, perk_id: int) -> Response:
        perk = selectors.perk_get_for_brand(brand=api_brand(request).brand, perk_id=perk_id)
        perk = perk_from_input(perk, valid_input(PerkInputSerializer, request.data, partial=True))
        perk = services.perk_save(perk=perk, by=request.user)
        return Response(PerkSerializer(perk, context={"request": request}).data)


class BrandPerkPublishApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"POST": PERK_WRITES}
    throttle_scope = "perks"

    @extend_schema(
        parameters=[PERK_PATH],
        request=None,
        responses={200: PerkSerializer, **errors(400, 401, 403, 404, 409, 429)},
        summary="Publish a draft: open it for claims and mail the influencers it is for",
        description=(
            "Needs a brand's token with `perks:write`. A 409 for a perk that is not a draft; a 400 "
            "for one that has already ended (move `ends_on` first)."
        ),
        tags=["perks (brand)"],
    )
    def post(self, request: Request, perk_id: int) -> Response:
        perk = selectors.perk_get_for_brand(brand=api_brand(request).brand, perk_id=perk_id)
        try:
            perk = services.perk_publish(perk=perk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise
            # Naming no field, the refusal is the perk's state (it is not a draft).
            raise Conflict(" ".join(exc.messages)) from None
        return Response(PerkSerializer(perk, context={"request": request}).data)


# --- the brand's claims -----------------------------------------------------------------------


class TermsSerializer(serializers.Serializer):
    """What the member accepted when they claimed: later changes to the perk leave it alone."""

    title = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    offer = serializers.CharField(required=False)
    needs_shipping = serializers.BooleanField(required=False)
    campaign_tag = serializers.CharField(required=False)
    ends_on = serializers.DateField(required=False)


class BrandClaimSerializer(serializers.Serializer):
    """A claim of the brand's perk. The address and email are the brand's for this claim only."""

    id = serializers.IntegerField()
    perk_id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Claim.State.choices)
    terms = TermsSerializer()
    shipping_address = serializers.CharField(help_text="Empty until claimed, or when nothing is shipped.")
    contact_email = serializers.CharField(help_text="Empty until claimed.")
    tracking_url = serializers.CharField(help_text="Empty until shipped with a tracking link.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ClaimChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["ship", "cancel"],
        help_text="ship: a claimed perk is on its way (the member is told); cancel: an offer or a claim "
        "is withdrawn and its unit is free again.",
    )
    tracking_url = serializers.URLField(
        required=False, allow_blank=True, max_length=200, help_text="For ship: an optional tracking link."
    )


class BrandPerkClaimsApi(ApiView):
    required_scopes = {"GET": PERK_READS}
    throttle_scope = "perks"
    pagination_class = Pages
    allowed_query = PAGE_QUERY

    @extend_schema(
        parameters=[PERK_PATH],
        responses={200: BrandClaimSerializer(many=True), **errors(400, 401, 403, 404, 429)},
        summary="The claims of one of the brand's perks, newest first",
        description="Needs a brand's token with `perks:read`. Cursor pages: follow `next` until it is null.",
        tags=["perks (brand)"],
    )
    def get(self, request: Request, perk_id: int) -> Response:
        perk = selectors.perk_get_for_brand(brand=api_brand(request).brand, perk_id=perk_id)
        return paginated(request, self, selectors.perk_claims(perk=perk), BrandClaimSerializer)


class BrandClaimApi(ApiView):
    parser_classes = JSON_ONLY
    required_scopes = {"PATCH": CLAIM_WRITES}
    throttle_scope = "claims"

    @extend_schema(
        parameters=[CLAIM_PATH],
        request=ClaimChangeSerializer,
        responses={200: BrandClaimSerializer, **errors(400, 401, 403, 404, 409, 429)},
        summary="Ship or cancel a claim of the brand's perk",
        description=(
            "Needs a brand's token with `claims:write`. A 409 when the claim's state does not allow "
            "it (only a claimed perk ships; a shipped one cannot be cancelled)."
        ),
        examples=[
            OpenApiExample(
                "ship",
                request_only=True,
                value={"action": "ship", "tracking_url": "https://track.example/1Z9"},
            ),
            OpenApiExample("cancel", request_only=True, value={"action": "cancel"}),
        ],
        tags=["perks (brand)"],
    )
    def patch(self, request: Request, claim_id: int) -> Response:
        claim = selectors.claim_get_for_brand(brand=api_brand(request).brand, claim_id=claim_id)
        change = valid_input(ClaimChangeSerializer, request.data)
        with refusals_as_conflicts():
            if change["action"] == "ship":
                claim = claims.claim_ship(
                    claim=claim, by=request.user, tracking_url=change.get("tracking_url", "")
                )
            else:
                claim = claims.claim_cancel(claim=claim, by=request.user)
        return Response(BrandClaimSerializer(claim).data)


# --- the outcome --------------------------------------------------------------------------------


class CampaignPostSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    identity_id = serializers.IntegerField()
    influencer = serializers.CharField(help_text="The handle.")
    network = serializers.CharField()
    url = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    reactions = serializers.IntegerField()
    usual = serializers.FloatField(
        allow_null=True, help_text="The influencer's mean reactions per post in the 90 days before the perk."
    )
    lift = serializers.FloatField(allow_null=True, help_text="reactions / usual (1.0 = as usual).")
    discloses = serializers.BooleanField(help_text="Whether it says it was a gift (#ad, #gifted, ...).")


class InfluencerOutcomeSerializer(serializers.Serializer):
    identity_id = serializers.IntegerField()
    handle = serializers.CharField()
    network = serializers.CharField()
    posts = serializers.IntegerField()
    reactions = serializers.IntegerField()
    reached = serializers.IntegerField(help_text="Distinct people who reacted.")
    usual = serializers.FloatField(allow_null=True)
    lift = serializers.FloatField(allow_null=True)
    undisclosed = serializers.IntegerField(help_text="Campaign posts that do not disclose the gift.")


class DayReactionsSerializer(serializers.Serializer):
    day = serializers.DateField()
    reactions = serializers.IntegerField()


class OutcomeSerializer(serializers.Serializer):
    """What came of a perk: the campaign posts made by the influencers who hold a claim, from its
    first day to two weeks after its last, that carry its campaign tag."""

    perk_id = serializers.IntegerField()
    campaign_tag = serializers.CharField()
    reactions = serializers.IntegerField()
    reached = serializers.IntegerField(help_text="Distinct people who reacted to any campaign post.")
    lift = serializers.FloatField(allow_null=True, help_text="The mean lift of the campaign posts.")
    undisclosed = serializers.IntegerField(help_text="Campaign posts that do not disclose the gift.")
    by_day = DayReactionsSerializer(many=True, help_text="Reactions per day of the campaign so far.")
    influencers = InfluencerOutcomeSerializer(many=True, help_text="Most reactions first.")
    posts = CampaignPostSerializer(many=True, help_text="Oldest first.")


def outcome_data(*, perk: Perk, outcome: Outcome) -> dict:
    return {
        "perk_id": perk.pk,
        "campaign_tag": perk.campaign_tag,
        "reactions": outcome.reactions,
        "reached": outcome.reached,
        "lift": outcome.lift,
        "undisclosed": outcome.undisclosed,
        "by_day": [{"day": day, "reactions": count} for day, count in outcome.by_day],
        "influencers": outcome.influencers,
        "posts": outcome.posts,
    }


class BrandPerkOutcomeApi(ApiView):
    required_scopes = {"GET": PERK_READS}
    throttle_scope = "perks"

    @extend_schema(
        parameters=[PERK_PATH],
        responses={200: OutcomeSerializer, **errors(400, 401, 403, 404, 429)},
        summary="What came of a perk: campaign posts, reactions, reach, lift and disclosure",
        description="Needs a brand's token with `perks:read`.",
        tags=["perks (brand)"],
    )
    def get(self, request: Request, perk_id: int) -> Response:
        perk = selectors.perk_get_for_brand(brand=api_brand(request).brand, perk_id=perk_id)
        return Response(OutcomeSerializer(outcome_data(perk=perk, outcome=perk_outcome(perk=perk))).data)
