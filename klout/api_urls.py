"""The API v1: each app's endpoints, then a JSON 404 for any other address under it."""

from django.urls import include, path, re_path

from klout import api

urlpatterns = [
    path("", include("scoring.api_urls")),
    path("", include("connectors.api_urls")),
    path("", include("perks.api_urls")),
    re_path(r"^(?P<path>.*)$", api.not_found),
]
