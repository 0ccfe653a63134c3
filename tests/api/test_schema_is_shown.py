"""The API's schema and documentation pages open in a browser, from this server alone."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_json_a_browser_shows_rather_than_downloads(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert "/api/v1/me/score/" in response.json()["paths"]


def test_the_documentation_page_loads_swagger_from_the_installed_package(client):
    page = client.get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "@latest" not in page
