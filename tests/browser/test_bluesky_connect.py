"""Connecting Bluesky as a member does it: the page, a main password refused, an app password taken."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from connectors.models import ConnectedAccount
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.bluesky.fake_bluesky import APP_PASSWORD, FakeBluesky
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_connects_bluesky_with_an_app_password(page, settings):
    member = MemberFactory()
    fake = FakeBluesky()
    with FakeHTTPServer(handler=fake) as server:
        fake.url = server.url
        settings.BLUESKY_APPVIEW_URL = settings.BLUESKY_PLC_DIRECTORY_URL = server.url
        settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
        sign_in(page, member.user.email)
        page.goto("/connect/bluesky/")
        expect(page.get_by_text("No Bluesky account connected yet")).to_be_visible()
        both_widths(page, "bluesky-connect-empty")

        page.get_by_label("Your Bluesky handle").fill(fake.handle)
        page.get_by_label("An app password").fill("my real password")
        page.get_by_role("button", name="Connect Bluesky").click()
        expect(page.get_by_text("That is not an app password")).to_be_visible()
        both_widths(page, "bluesky-connect-main-password")

        page.get_by_label("An app password").fill(APP_PASSWORD)
        page.get_by_role("button", name="Connect Bluesky").click()
        expect(page.get_by_text(f"Connected @{fake.handle}")).to_be_visible()
        both_widths(page, "bluesky-connected")
    assert ConnectedAccount.objects.get(member=member).identity.external_id == fake.did
