"""A member uploads their Mastodon archive and, once others' reactions to those posts are read
from the network, sees Mastodon in what their score is made of."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors.ingest import ingest_batch
from connectors.models import Identity, Post
from connectors.records import FETCHED, Batch, InteractionRecord
from scoring.models import MemberScore
from scoring.services import score_recompute
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.mastodon.archive_zips import build_mastodon_archive
from tests.connectors.mastodon.fake_mastodon import HOME, MEMBER
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_mastodon_archive_and_the_reactions_it_drew_make_the_mastodon_part(page, tmp_path, media):
    member = MemberFactory()
    sign_in(page, member.user.email)
    page.goto("/connect/")
    page.locator("[data-source=mastodon_archive]").get_by_role("button", name="Upload").click()
    page.get_by_label("Mastodon archive (.zip)").set_input_files(
        str(build_mastodon_archive(tmp_path / "archive.zip", recent=True))
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)
    # The figures count the same things, so they add up: what was read is new, already there or skipped.
    stats = page.locator("#import-stats [data-stat]")
    figures = {
        stats.nth(i).get_attribute("data-stat"): int(stats.nth(i).inner_text()) for i in range(stats.count())
    }
    assert figures["new"] > 0
    assert (
        figures["new"] + figures.get("updated", 0) + figures["already"] + figures["skipped"]
        == figures["read"]
    )
    expect(page.locator("#import-progress")).to_have_count(0)
    expect(page.get_by_role("button", name="See your score")).to_have_attribute("href", "/dashboard/")
    both_widths(page, "mastodon-archive-imported")
    identity = Identity.objects.get(network="mastodon", external_id=MEMBER)
    assert identity.member == member and Post.objects.filter(author=identity).count() == 11

    # Reactions to those posts, as the network shows them (another member's sync, say).
    fans = [f"fan{n}@{HOME}" for n in range(12)]
    posts = list(Post.objects.filter(author=identity, kind="post").values_list("external_id", "created_at"))
    reactions = [
        InteractionRecord(
            network="mastodon", kind=kind, actor_id=fan, target_id=MEMBER,
            occurred_at=created + timedelta(hours=1), post_id=uri,
        )
        for uri, created in posts
        for kind, who in (("like", fans), ("repost", fans[:4]))
        for fan in who
    ]  # fmt: skip
    ingest_batch(batch=Batch(interactions=reactions), provenance=FETCHED)
    score_recompute(now=timezone.now())

    page.goto("/dashboard/")
    score = MemberScore.objects.filter(member=member).latest("day")
    assert score.network_mastodon > 0
    expect(page.get_by_test_id("score")).to_have_text(f"{score.score:.0f}")
    expect(page.locator("#breakdown")).to_contain_text("Mastodon")
    both_widths(page, "dashboard-mastodon")
