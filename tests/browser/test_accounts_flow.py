"""A person signs up, verifies their email, signs out and in; a brand owner builds a team."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import BrandMembership, Member, User
from connectors.models import Identity, SyncRun
from tests.browser.conftest import VIEWPORTS, both_widths, link_in_last_email, screenshot, sign_in
from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory, brand_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"  # noqa: S105


def test_member_signs_up_verifies_email_signs_out_and_in(page):
    page.goto("/")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("An influencer: I want my score").check()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert User.objects.filter(email="ada@example.com").exists()

    page.goto(link_in_last_email("ada@example.com", r"/accounts/confirm-email/[^/\s]+/"))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", name="Your Klout score")).to_be_visible()
    expect(page.get_by_text("Connect a network to get your score")).to_be_visible()
    assert Member.objects.filter(user__email="ada@example.com").exists()
    screenshot(page, "dashboard-empty-laptop")
    page.set_viewport_size(VIEWPORTS["phone"])
    screenshot(page, "dashboard-empty-phone")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Influence you can explain.")).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Your Klout score")).to_be_visible()


def test_sign_in_with_a_wrong_password_says_so(page):
    brand_owner()  # someone exists; this person does not know their password
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(User.objects.get().email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    error = "The email address and/or password you specified are not correct."
    expect(page.get_by_text(error)).to_be_visible()


def test_brand_owner_invites_a_team_member_who_joins(page, new_page):
    owner = brand_owner(name="Acme Snacks", slug="acme-snacks")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Acme Snacks").first.click()
    page.get_by_role("navigation", name="Acme Snacks").get_by_role("link", name="Team").click()
    page.get_by_label("Email address of the person to invite").fill("grace@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to grace@example.com.")).to_be_visible()
    both_widths(page, "brand-team")

    invitee = new_page()
    invitee.goto(link_in_last_email("grace@example.com", r"/invitations/[^/\s]+/"))
    expect(invitee.get_by_role("heading", name="Join the Acme Snacks team")).to_be_visible()
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_label("Email")).to_have_value("grace@example.com")
    invitee.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee.get_by_label("Password (again)").fill(PASSWORD)
    invitee.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(invitee.get_by_role("heading", name="Welcome")).to_be_visible()
    assert BrandMembership.objects.filter(brand=owner.brand, user__email="grace@example.com").exists()

    page.reload()
    expect(page.get_by_role("cell", name="grace@example.com", exact=True)).to_be_visible()


def test_brand_name_is_asked_only_of_a_brand_without_any_script(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/signup/")
    brand_name = page.get_by_label("Brand name")
    expect(brand_name).to_be_hidden()  # "An influencer" is checked to begin with
    page.get_by_label("A brand: I want to offer perks").check()
    expect(brand_name).to_be_visible()
    page.get_by_label("An influencer: I want my score").check()
    expect(brand_name).to_be_hidden()
    context.close()


def test_a_brand_without_a_name_is_told_and_keeps_its_choice(page):
    page.goto("/accounts/signup/")
    page.get_by_label("A brand: I want to offer perks").check()
    page.get_by_label("Email").fill("owner@brand.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Give your brand's name to create a brand account.")).to_be_visible()
    expect(page.get_by_label("Brand name")).to_be_visible()
    assert not User.objects.exists()


def test_sign_up_sign_in_and_password_reset_pages_at_both_widths(page):
    page.goto("/accounts/signup/")
    expect(page.get_by_label("Brand name")).to_be_hidden()
    both_widths(page, "signup-influencer")
    page.get_by_label("A brand: I want to offer perks").check()
    both_widths(page, "signup-brand")

    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_label("Remember me")).to_be_visible()
    both_widths(page, "signin")

    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    both_widths(page, "password-reset")


def test_email_addresses_page_at_both_widths(page):
    member = MemberFactory()
    EmailAddress.objects.create(user=member.user, email="a-rather-long-second-address@example.com")
    sign_in(page, member.user.email)
    page.goto("/accounts/email/")
    expect(page.get_by_role("button", name="Remove")).to_have_class("danger outline")
    both_widths(page, "email-addresses")


def test_staff_see_the_days_figures_on_the_admin_home(page):
    UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    member = MemberFactory()
    Identity.objects.create(network="mastodon", external_id="1", handle="ada", member=member)
    SyncRun.objects.create(member=member, source="jsonl", status=SyncRun.Status.FAILED)
    sign_in(page, "operator@example.com")
    page.goto("/admin/")
    expect(page.get_by_role("link", name="Klout administration")).to_be_visible()
    figures = page.locator("#klout-figures")
    expect(figures.get_by_role("row", name="Identities on Mastodon")).to_contain_text("1")
    expect(figures.get_by_role("row", name="Imports failed today")).to_contain_text("1")
    both_widths(page, "admin-home")
