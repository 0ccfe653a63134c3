"""Discovery and the influencer profile for brands (``perks.discovery``), in the ``perks`` namespace."""

from django.urls import path

from perks import discovery

urlpatterns = [
    path("brands/discover/", discovery.discover_redirect, name="discover_redirect"),
    path("brands/<slug:brand_slug>/discover/", discovery.discover, name="discover"),
    path("brands/influencers/<int:identity_id>/", discovery.influencer_redirect, name="influencer_redirect"),
    path("brands/<slug:brand_slug>/influencers/<int:identity_id>/", discovery.influencer, name="influencer"),
]
