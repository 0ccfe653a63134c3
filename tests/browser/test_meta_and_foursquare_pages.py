"""The pages of the networks a member connects through Facebook Login or Foursquare, and the
upload pages of Meta's exports, as a member sees them at both widths: empty, not set up, set up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in
from tests.connectors.meta_exports import build_zip, instagram_files
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/connect/instagram/", "No Instagram account connected yet", "Connect Instagram", "instagram"),
    ("/connect/facebook/", "No Facebook Page connected yet", "Connect a Facebook Page", "facebook"),
    ("/connect/foursquare/", "No Foursquare account connected yet", "Connect Foursquare", "foursquare"),
]


@pytest.mark.parametrize(("path", "empty", "button", "name"), PAGES)
def test_each_sign_in_page_says_what_it_reads_and_whether_it_is_set_up(
    page, settings, path, empty, button, name
):
    sign_in(page, MemberFactory().user.email)
    settings.META_APP_ID = settings.META_APP_SECRET = ""
    settings.FOURSQUARE_CLIENT_ID = settings.FOURSQUARE_CLIENT_SECRET = ""
    page.goto(path)
    expect(page.get_by_text(empty)).to_be_visible()
    expect(page.get_by_role("button", name=button)).to_be_disabled()
    both_widths(page, f"{name}-connect-not-configured")
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    settings.FOURSQUARE_CLIENT_ID, settings.FOURSQUARE_CLIENT_SECRET = "fsq-id", "fsq-secret"
    page.goto(path)
    expect(page.get_by_role("button", name=button)).to_be_enabled()
    both_widths(page, f"{name}-connect-empty")


def test_a_member_uploads_an_instagram_export_and_sees_it_imported(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, MemberFactory().user.email)
    page.goto("/connect/")
    page.locator("[data-source=instagram_export]").get_by_role("button", name="Upload").click()
    expect(page.get_by_text("choose the JSON format")).to_be_visible()
    both_widths(page, "instagram-export-upload")
    page.get_by_label("Instagram export (.zip, JSON format)").set_input_files(
        str(build_zip(tmp_path / "instagram.zip", instagram_files()))
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)
    both_widths(page, "instagram-export-imported")


def test_the_facebook_export_page_asks_for_the_address_only_when_needed(page):
    sign_in(page, MemberFactory().user.email)
    page.goto("/import/facebook-export/")
    expect(page.get_by_label("Your Facebook profile's address (optional)")).to_be_visible()
    both_widths(page, "facebook-export-upload")
