"""A member uploads their LinkedIn data export (the hand-built sample, with 500 connections: the
three written out and 497 generated rows of the same shape) and sees LinkedIn in what their score
is made of."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors.models import Identity, Post
from scoring.models import MemberScore
from scoring.services import score_recompute
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.linkedin.export_zips import PROFILE, build_linkedin_export
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_linkedin_export_makes_the_linkedin_part_of_the_score(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = MemberFactory()
    sign_in(page, member.user.email)
    page.goto("/connect/")
    expect(page.locator("[data-source=linkedin]")).to_contain_text("approved partners")
    expect(page.locator("[data-source=googleplus]")).to_contain_text("closed Google+ on 2 April 2019")
    expect(page.locator("[data-source=googleplus]").get_by_role("button")).to_have_count(0)
    both_widths(page, "connect-every-network")
    page.locator("[data-source=linkedin_export]").get_by_role("button", name="Upload").click()
    both_widths(page, "linkedin-export-upload")
    export = build_linkedin_export(tmp_path / "Basic_LinkedInDataExport.zip", extra_connections=497)
    page.get_by_label("LinkedIn data export (.zip)").set_input_files(str(export))
    page.get_by_label("Your LinkedIn profile's address").fill("alice smith")
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("is not a LinkedIn profile's public name")).to_be_visible()
    both_widths(page, "linkedin-export-bad-address")

    page.get_by_label("LinkedIn data export (.zip)").set_input_files(str(export))
    page.get_by_label("Your LinkedIn profile's address").fill("https://www.linkedin.com/in/alice-smith/")
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)
    both_widths(page, "linkedin-export-imported")
    identity = Identity.objects.get(network="linkedin", external_id=PROFILE)
    assert identity.member == member and identity.followers == 500
    assert Post.objects.filter(author=identity).count() == 4

    score_recompute(now=timezone.now())
    page.goto("/dashboard/")
    score = MemberScore.objects.filter(member=member).latest("day")
    assert score.network_linkedin > 0
    expect(page.get_by_test_id("score")).to_have_text(f"{score.score:.0f}")
    expect(page.locator("#breakdown")).to_contain_text("LinkedIn")
    both_widths(page, "dashboard-linkedin")
