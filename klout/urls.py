from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

from connectors import registry
from klout import admin_home, views

# The admin signs in through the site's own sign-in, and so under its brute-force limits.
admin.site.login = secure_admin_login(admin.site.login)
# The admin under Klout's name; its home opens on the day's figures (klout.admin_home).
admin.site.site_header = admin.site.site_title = "Klout administration"
admin.site.index_title = "Today on Klout"
admin.site.index = admin_home.index_with_figures(admin.site.index)


class SchemaAsJson(OpenApiJsonRenderer):
    """The OpenAPI schema as plain JSON: a browser shows ``application/json`` where it downloads
    the schema's own ``application/vnd.oai.openapi+json``."""

    media_type = "application/json"


urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health_view, name="health"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("connect/", include("connectors.hub_urls")),
    # Each source's sign-in pages (connectors.registry), under connect/.
    *(path("connect/", include(urls)) for urls in registry.url_includes()),
    path("", include("connectors.urls")),
    path("", include("scoring.urls")),
    path("", include("perks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("klout.api_urls")),
    path("api/schema/", SpectacularJSONAPIView.as_view(renderer_classes=[SchemaAsJson]), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
