from django.urls import path

from perks.api import brand, influencers, member

urlpatterns = [
    # A brand's token.
    path("influencers/", influencers.InfluencersApi.as_view(), name="api-influencers"),
    path("perks/", brand.BrandPerksApi.as_view(), name="api-perks"),
    path("perks/<int:perk_id>/", brand.BrandPerkApi.as_view(), name="api-perk"),
    path("perks/<int:perk_id>/publish/", brand.BrandPerkPublishApi.as_view(), name="api-perk-publish"),
    path("perks/<int:perk_id>/claims/", brand.BrandPerkClaimsApi.as_view(), name="api-perk-claims"),
    path("perks/<int:perk_id>/outcome/", brand.BrandPerkOutcomeApi.as_view(), name="api-perk-outcome"),
    path("claims/<int:claim_id>/", brand.BrandClaimApi.as_view(), name="api-claim"),
    # A member's token.
    path("me/perks/", member.MyPerksApi.as_view(), name="api-my-perks"),
    path("perks/<int:perk_id>/claim/", member.PerkClaimApi.as_view(), name="api-perk-claim"),
    path("perks/<int:perk_id>/decline/", member.PerkDeclineApi.as_view(), name="api-perk-decline"),
    path("claims/<int:claim_id>/received/", member.ClaimReceivedApi.as_view(), name="api-claim-received"),
]
