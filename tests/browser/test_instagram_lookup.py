"""A brand's team looks an Instagram professional account up from the discovery page, through
the brand's connected account (the recorded business-discovery answer), at both widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from connectors.models import DiscoveryAccount
from tests.browser.conftest import both_widths, sign_in
from tests.factories import brand_owner
from tests.fakes.http_server import FakeHTTPServer
from tests.perks.test_instagram_discovery import DiscoveringInstagram

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_brand_looks_up_an_instagram_account_and_lands_on_its_profile(page, settings):
    owner = brand_owner()
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    with FakeHTTPServer(handler=DiscoveringInstagram()) as graph:
        settings.META_GRAPH_BASE_URL = graph.url
        DiscoveryAccount.objects.create(
            brand=owner.brand, ig_user_id="17841406338772941", username="ikroskun", access_token="brand-token"
        )
        sign_in(page, owner.user.email)
        page.goto(f"/brands/{owner.brand.slug}/discover/")
        expect(page.get_by_label("Instagram username")).to_be_visible()
        both_widths(page, "brand-instagram-lookup")
        page.get_by_label("Instagram username").fill("nobody.here")
        page.get_by_role("button", name="Look up").click()
        expect(page.get_by_text("has no professional account @nobody.here")).to_be_visible()
        page.get_by_label("Instagram username").fill("facebookfordevelopers")
        page.get_by_role("button", name="Look up").click()
        expect(page.get_by_text("Read @facebookfordevelopers from Instagram")).to_be_visible()
        both_widths(page, "brand-instagram-looked-up")
