"""API tokens as their owners meet them: made on the settings pages, shown once, used, revoked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.services import member_create
from accounts.tokens import api_token_create
from tests.browser.conftest import VIEWPORTS, both_widths, sign_in
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


def test_each_token_row_ends_with_its_red_revoke_button_on_a_phone_too(page):
    member = member_create(user=UserFactory())
    api_token_create(user=member.user, member=member, name="Reporting script", scopes="me:read")
    api_token_create(
        user=member.user,
        member=member,
        name="A dashboard with a rather long name",
        scopes="me:read,claims:write",
    )
    sign_in(page, member.user.email)
    page.goto("/account/api-tokens/")
    buttons = page.get_by_role("button", name="Revoke")
    expect(buttons).to_have_count(2)
    expect(page.get_by_text("Revoking a token stops its key at once and for good")).to_be_visible()
    both_widths(page, "api-tokens-two")
    for width in ("laptop", "phone"):
        page.set_viewport_size(VIEWPORTS[width])
        for n in range(2):
            button = buttons.nth(n)
            expect(button).to_have_class("danger outline")
            row = button.locator("xpath=ancestor::li[1]").bounding_box()
            box = button.bounding_box()
            words = button.locator("xpath=ancestor::li[1]/div").bounding_box()
            # At the row's end, beside its words: never alone on a line, never centred.
            assert box["x"] + box["width"] >= row["x"] + row["width"] - 2, (width, box, row)
            assert box["y"] < words["y"] + words["height"], (width, box, words)
