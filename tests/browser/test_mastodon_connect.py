"""Connecting Mastodon as a member does it: the page, a bad address, the server's consent, the account."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from connectors.models import ConnectedAccount
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.mastodon.fake_mastodon import HOME, MEMBER, FakeMastodon
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class ConsentingMastodon(FakeMastodon):
    """The fake server, with a consent page that sends the member straight back with a code."""

    def __call__(self, request):
        if request.path == "/oauth/authorize":
            target = f"{request.param('redirect_uri')}?code=granted&state={request.param('state')}"
            return FakeResponse(status=302, headers={"Location": target})
        return super().__call__(request)


def test_a_member_connects_mastodon_from_the_address_they_type(page, settings, live_server):
    member = MemberFactory()
    with FakeHTTPServer(handler=ConsentingMastodon()) as server:
        settings.MASTODON_INSTANCE_URL = server.url
        settings.SITE_URL = live_server.url  # where the server sends the member back
        sign_in(page, member.user.email)
        page.goto("/connect/mastodon/")
        expect(page.get_by_text("No Mastodon account connected yet")).to_be_visible()
        both_widths(page, "mastodon-connect-empty")

        page.get_by_label("Your Mastodon address").fill("alice")
        page.get_by_role("button", name="Connect Mastodon").click()
        expect(page.get_by_text("Give your Mastodon address in full")).to_be_visible()
        both_widths(page, "mastodon-connect-bad-address")

        page.get_by_label("Your Mastodon address").fill(f"@mastodonpy_test@{HOME}")
        page.get_by_role("button", name="Connect Mastodon").click()
        expect(page.get_by_role("heading", name=f"@{MEMBER}")).to_be_visible()
        expect(page.get_by_text(f"Connected @{MEMBER}")).to_be_visible()
        both_widths(page, "mastodon-connected")
    assert ConnectedAccount.objects.get(member=member).server == HOME
