"""A person signs up, verifies their email, signs out and in; a brand owner builds a team."""

import pytest
from playwright.sync_api import expect

from accounts.models import BrandMembership, Member, User
from tests.browser.conftest import VIEWPORTS, both_widths, link_in_last_email, screenshot
from tests.factories import DEFAULT_PASSWORD, brand_owner

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
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert User.objects.filter(email="ada@example.com").exists()

    page.goto(link_in_last_email("ada@example.com", r"/accounts/confirm-email/[^/\s]+/"))
    page.get_by_role("button", name="Confirm").click()
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
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your Klout score")).to_be_visible()


def test_sign_in_with_a_wrong_password_says_so(page):
    brand_owner()  # someone exists; this person does not know their password
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(User.objects.get().email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    error = "The email address and/or password you specified are not correct."
    expect(page.get_by_text(error)).to_be_visible()


def test_brand_owner_invites_a_team_member_who_joins(page, new_page):
    owner = brand_owner(name="Acme Snacks", slug="acme-snacks")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
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
