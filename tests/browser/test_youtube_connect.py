"""Connecting YouTube as a member does it: the page, Google's consent (answered here by the
test, as Google would: back to the callback with a code), the channel connected and read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from connectors.models import ConnectedAccount, Post
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.youtube.fake_youtube import CHANNEL_ID, FakeYouTube
from tests.connectors.youtube.test_youtube_connect_views import GRANT
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_connects_their_youtube_channel_with_google(page, settings, live_server):
    member = MemberFactory()
    fake = FakeYouTube()
    with FakeHTTPServer(handler=fake) as server:
        settings.YOUTUBE_API_BASE_URL = server.url + "/"
        settings.GOOGLE_TOKEN_URL = server.url + "/token"
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "google-id", "google-secret"
        settings.SITE_URL = live_server.url  # where Google sends the member back
        server.script(FakeResponse(body=GRANT), path="/token")
        asked = []

        def consent(route):
            query = parse_qs(urlsplit(route.request.url).query)
            asked.append(query)
            back = f"{query['redirect_uri'][0]}?state={query['state'][0]}&code=4/granted"
            route.fulfill(status=302, headers={"Location": back})

        page.route("https://accounts.google.com/**", consent)
        sign_in(page, member.user.email)
        page.goto("/connect/youtube/")
        expect(page.get_by_text("No YouTube channel connected yet")).to_be_visible()
        both_widths(page, "youtube-connect-empty")

        page.get_by_role("button", name="Connect YouTube").click()
        expect(page.get_by_text("Connected @googledevelopers")).to_be_visible()
        expect(page.get_by_role("heading", name="@googledevelopers")).to_be_visible()
        both_widths(page, "youtube-connected")
    assert asked and asked[0]["access_type"] == ["offline"]
    account = ConnectedAccount.objects.get(member=member)
    assert account.identity.external_id == CHANNEL_ID
    # The first sync ran when the channel was connected (the test's queue runs tasks at once).
    assert Post.objects.filter(author=account.identity, kind="video").count() == 13


def test_without_google_sign_in_set_up_the_page_says_so(page, settings):
    settings.GOOGLE_CLIENT_ID = ""
    sign_in(page, MemberFactory().user.email)
    page.goto("/connect/youtube/")
    expect(page.get_by_text("has not configured Google sign-in")).to_be_visible()
    expect(page.get_by_role("button", name="Connect YouTube")).to_be_disabled()
    both_widths(page, "youtube-connect-not-configured")
