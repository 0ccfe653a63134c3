"""API tokens as their owners meet them: made on the settings pages, shown once, used, revoked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.services import member_create
from tests.browser.conftest import both_widths, sign_in
from tests.factories import UserFactory, brand_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_makes_a_token_uses_it_and_revokes_it(page):
    member = member_create(user=UserFactory())
    sign_in(page, member.user.email)
    page.goto("/account/")
    page.get_by_role("link", name="Manage API tokens").click()
    expect(page.get_by_text("No token yet.")).to_be_visible()
    both_widths(page, "api-tokens-empty")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Name").fill("My dashboard")
    page.get_by_label("me:read: Read my score, history and accounts").check()
    page.get_by_role("button", name="Make token").click()
    key = page.get_by_label("Key").input_value()
    assert key.startswith("klt_")
    both_widths(page, "api-tokens-issued")
    me = page.request.get("/api/v1/me/score/", headers={"Authorization": f"Bearer {key}"})
    assert me.status == 200
    page.get_by_role("button", name="Revoke My dashboard").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert page.request.get("/api/v1/me/score/", headers={"Authorization": f"Bearer {key}"}).status == 401


def test_a_brand_owner_makes_a_token_for_the_brand(page):
    owner = brand_owner(name="Brew Co", slug="brew-co")
    sign_in(page, owner.user.email)
    page.goto("/brands/brew-co/discover/")
    page.get_by_role("navigation", name="Brew Co").get_by_role("link", name="API").click()
    page.get_by_label("Name").fill("Campaign sync")
    page.get_by_label("perks:read: Read perks, claims and outcomes").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("Copy the key now")).to_be_visible()
    expect(page.get_by_text(f"by {owner.user.email}")).to_be_visible()
    both_widths(page, "brand-api-tokens")
