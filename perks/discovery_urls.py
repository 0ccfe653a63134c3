"""Discovery and the influencer profile for brands (``perks.discovery``), in the ``perks`` namespace."""

from django.urls import path

from perks import discovery, instagram_discovery

urlpatterns = [
    path("brands/discover/", discovery.discover_redirect, name="discover_redirect"),
    path("brands/<slug:brand_slug>/discover/", discovery.discover, name="discover"),
    path("brands/influencers/<int:identity_id>/", discovery.influencer_redirect, name="influencer_redirect"),
    path("brands/<slug:brand_slug>/influencers/<int:identity_id>/", discovery.influencer, name="influencer"),
    path(
        "brands/<slug:brand_slug>/instagram/connect/",
        instagram_discovery.connect_start,
        name="instagram_connect",
    ),
    path("brands/instagram/callback/", instagram_discovery.connect_callback, name="instagram_callback"),
    path("brands/<slug:brand_slug>/instagram/lookup/", instagram_discovery.lookup, name="instagram_lookup"),
]
