"""The brand's side (under brands/<slug>/) and the member's perks (under perks/); namespace ``perks``."""

from django.urls import path

from perks import brand_views, member_views
from perks.discovery_urls import urlpatterns as discovery_urlpatterns

app_name = "perks"

_brand = "brands/<slug:brand_slug>/"

urlpatterns = [
    *discovery_urlpatterns,
    path(f"{_brand}perks/", brand_views.perk_list, name="brand_perks"),
    path(f"{_brand}perks/new/", brand_views.perk_edit, name="perk_new"),
    path(f"{_brand}perks/<int:perk_id>/", brand_views.perk_detail, name="brand_perk"),
    path(f"{_brand}perks/<int:perk_id>/edit/", brand_views.perk_edit, name="perk_edit"),
    path(f"{_brand}perks/<int:perk_id>/publish/", brand_views.perk_publish, name="perk_publish"),
    path(f"{_brand}perks/<int:perk_id>/close/", brand_views.perk_close, name="perk_close"),
    path(f"{_brand}perks/<int:perk_id>/offer/", brand_views.perk_offer, name="perk_offer"),
    path(f"{_brand}perks/<int:perk_id>/outcome/", brand_views.perk_outcome_view, name="perk_outcome"),
    path(f"{_brand}claims/<int:claim_id>/", brand_views.claim_detail, name="brand_claim"),
    path(f"{_brand}claims/<int:claim_id>/ship/", brand_views.claim_ship, name="claim_ship"),
    path(f"{_brand}claims/<int:claim_id>/cancel/", brand_views.claim_cancel, name="claim_cancel"),
    path(f"{_brand}shortlists/", brand_views.shortlist_list, name="shortlists"),
    path(f"{_brand}shortlists/add/", brand_views.shortlist_add, name="shortlist_add"),
    path(f"{_brand}shortlists/<int:shortlist_id>/", brand_views.shortlist_detail, name="shortlist"),
    path(
        f"{_brand}shortlists/<int:shortlist_id>/export.csv",
        brand_views.shortlist_export,
        name="shortlist_csv",
    ),
    path(
        f"{_brand}shortlists/<int:shortlist_id>/delete/",
        brand_views.shortlist_delete,
        name="shortlist_delete",
    ),
    path(
        f"{_brand}shortlists/<int:shortlist_id>/remove/<int:identity_id>/",
        brand_views.shortlist_remove,
        name="shortlist_remove",
    ),
    path("perks/", member_views.perks_index, name="member_perks"),
    path("perks/<int:perk_id>/", member_views.perk_page, name="perk"),
    path("perks/<int:perk_id>/image/", member_views.perk_image, name="perk_image"),
    path("perks/claims/<int:claim_id>/", member_views.claim_page, name="claim"),
    path("perks/claims/<int:claim_id>/decline/", member_views.claim_decline, name="claim_decline"),
    path("perks/claims/<int:claim_id>/receive/", member_views.claim_receive, name="claim_receive"),
]
