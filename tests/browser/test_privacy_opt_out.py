"""A member opts out in the browser: their identity is gone from the database and from the pages."""

import pytest
from playwright.sync_api import expect

from accounts.models import Member
from connectors.models import ConnectedAccount, Identity, Interaction, Post
from privacy.models import PrivacyEvent
from tests.browser.conftest import screenshot, sign_in
from tests.personas import ADA, world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_opts_out_and_their_identity_is_gone_everywhere(page):
    world = world_build()
    sign_in(page, world.member.user.email)

    page.goto("/account/privacy/")
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    expect(page.get_by_text("X: @ada")).to_be_visible()
    page.goto("/connect/x/")
    expect(page.get_by_role("main").get_by_text("@ada").first).to_be_visible()
    screenshot(page, "privacy-before-opt-out-laptop")

    page.goto("/account/privacy/")
    page.get_by_role("link", name="Opt out of tracking").click()
    # Submitting without confirming changes nothing and says why.
    page.get_by_role("button", name="Opt out and delete my data").click()
    expect(page.get_by_text("Tick the box to confirm that you want to opt out.")).to_be_visible()
    assert Identity.objects.filter(external_id=ADA).exists()

    # Keyboard only: tab to the box, tick it with the space bar, submit.
    page.get_by_label("I understand").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Opt out and delete my data").click()
    expect(page.get_by_text("You are opted out.")).to_be_visible()
    expect(page.get_by_text("You opted out on")).to_be_visible()
    screenshot(page, "privacy-opted-out-laptop")

    assert not Identity.objects.filter(external_id=ADA).exists()
    assert not Post.objects.filter(external_id__startswith="ada-").exists()
    assert not Interaction.objects.filter(actor__external_id=ADA).exists()
    assert not ConnectedAccount.objects.exists()
    assert Member.objects.get(pk=world.member.pk).opted_out_at is not None
    assert PrivacyEvent.objects.filter(kind=PrivacyEvent.Kind.MEMBER_OPT_OUT).count() == 1

    for path in ("/account/privacy/", "/connect/x/", "/account/"):
        page.goto(path)
        expect(page.get_by_role("main")).not_to_contain_text("@ada")
