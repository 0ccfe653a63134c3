"""A member opts out in the browser: their identity is gone from the database and from the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Member
from connectors.models import ConnectedAccount, Identity, Interaction, Post
from privacy.models import OptOutChallenge, PrivacyEvent
from privacy.services import member_opt_out
from tests.browser.conftest import both_widths, screenshot, sign_in
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


def test_the_dashboard_of_a_member_who_opted_out_says_so_and_offers_nothing_it_would_refuse(page):
    world = world_build()
    member_opt_out(member=world.member)
    sign_in(page, world.member.user.email)
    page.goto("/dashboard/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="You opted out of tracking on")).to_be_visible()
    expect(main).to_contain_text("Opting out cannot be undone.")
    expect(main.get_by_role("button", name="Make my profile public")).to_have_count(0)
    expect(main.get_by_role("link", name="Connect a network or upload an archive")).to_have_count(0)
    hrefs = main.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.startswith(("/import/", "/connect/"))], hrefs
    both_widths(page, "dashboard-opted-out")


def test_the_privacy_delete_page_says_what_goes_before_its_red_button(page):
    world = world_build()
    sign_in(page, world.member.user.email)
    page.goto("/account/privacy/delete/")
    button = page.get_by_role("button", name="Delete my account for good")
    expect(button).to_have_class("danger")
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    both_widths(page, "privacy-delete")


def _pending_challenge() -> OptOutChallenge:
    return OptOutChallenge.objects.create(
        network="bluesky", handle="someone.bsky.social", expires_at=timezone.now() + timedelta(hours=1)
    )


def test_the_opt_out_code_is_copied_with_one_click_and_the_page_says_so(page):
    challenge = _pending_challenge()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/privacy/opt-out/{challenge.token}/")
    expect(page.get_by_test_id("optout-code")).to_have_text(challenge.code)
    copy = page.get_by_role("button", name="Copy the code")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.get_by_text("Copied", exact=True)).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == challenge.code
    both_widths(page, "opt-out-code")


def test_without_the_clipboard_api_the_copy_button_selects_the_code(page):
    challenge = _pending_challenge()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(f"/privacy/opt-out/{challenge.token}/")
    page.get_by_role("button", name="Copy the code").click()
    expect(page.get_by_text("Selected: press Ctrl+C")).to_be_visible()
    assert page.evaluate("window.getSelection().toString()").strip() == challenge.code
