"""Model v2 as a member and a brand see it: the tone of feedback, counts left out, the model's change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from scoring.cards import discovery_refresh
from scoring.models import MemberScore
from scoring.services import score_recompute
from tests.browser.conftest import both_widths, sign_in
from tests.factories import MemberFactory, brand_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLIES = [
    ("fan1", "Thank you, this is wonderful and so helpful!"),
    ("fan2", "Love it, great work as always"),
    ("fan3", "This is the worst advice I have read all year, truly awful"),
    ("fan4", "Wrong and misleading. Terrible."),
    ("fan5", "The meeting is at three on Tuesday"),
    ("fan6", "Merci beaucoup pour ce fil, très intéressant"),
]


def _member_with_feedback():
    member = MemberFactory(profile_public=True)
    now = timezone.now()
    at = now - timedelta(days=2)
    batch = Batch(
        identities=[IdentityRecord(network="x", external_id="me", handle="ada_demo", followers=40, listed=3)],
        posts=[
            PostRecord(
                network="x", external_id="p1", author_id="me", created_at=at, language="en",
                text="A thread on brewing better coffee at home #coffee", likes=250_000, reposts=12,
            ),
        ],
    )  # fmt: skip
    for n, (fan, words) in enumerate(REPLIES):
        batch.posts.append(
            PostRecord(
                network="x", external_id=f"r{n}", author_id=fan, created_at=at + timedelta(hours=1),
                kind="reply", parent_id="p1", text=f"@ada_demo {words}",
                language="fr" if "Merci" in words else "en",
            )
        )  # fmt: skip
        batch.interactions.append(
            InteractionRecord(
                network="x", kind="reply", actor_id=fan, target_id="me",
                occurred_at=at + timedelta(hours=1), post_id="p1",
            )
        )  # fmt: skip
    ingest_batch(batch=batch)
    Identity.objects.filter(network="x", external_id="me").update(member=member)
    for day in (3, 2, 1, 0):
        score_recompute(now=now - timedelta(days=day))
    discovery_refresh(day=now.date(), now=now)
    # The first of those days as the previous model computed it, as after an upgrade.
    first = MemberScore.objects.filter(member=member).order_by("day").first()
    MemberScore.objects.filter(pk=first.pk).update(model_version="v1.1")
    return member


def test_the_dashboard_shows_the_tone_of_feedback_the_counts_left_out_and_the_model_change(page):
    member = _member_with_feedback()
    sign_in(page, member.user.email)
    page.goto("/dashboard/")
    feedback = page.locator("#feedback")
    expect(feedback.get_by_role("heading", name="The tone of your feedback")).to_be_visible()
    expect(feedback).to_contain_text("1 more in other languages are not judged")
    expect(feedback.locator(".bar-label")).to_have_text(["Positive", "Neutral", "Negative"])
    expect(feedback.locator(".bar-value")).to_have_text(["2", "1", "2"])
    expect(feedback).to_contain_text("Most negative feedback (2) came on your post")
    expect(page.locator("#breakdown")).to_contain_text("more reactions on your posts than your audience")
    expect(page.locator(".chart-note")).to_contain_text("The scoring model changed on")
    expect(page.locator("#breakdown")).to_contain_text("Likes the network counted on your posts")
    both_widths(page, "score-v2-dashboard")


def test_a_brand_keeps_only_people_whose_feedback_is_mostly_positive(page, monkeypatch):
    monkeypatch.setattr("perks.filters.TONE_JUDGED_MIN", 3)
    _member_with_feedback()
    owner = brand_owner(name="Bean Co", slug="bean-co")
    sign_in(page, owner.user.email)
    page.goto("/brands/bean-co/discover/")
    page.get_by_text("More filters").click()
    page.get_by_label("Tone of their feedback").select_option("calm")
    page.get_by_role("button", name="Search").click()
    # Two of five judged replies are negative: more than a fifth, so not "seldom negative".
    expect(page.get_by_text("@ada_demo")).to_have_count(0)
    both_widths(page, "score-v2-discover-tone-none")
    page.get_by_label("Tone of their feedback").select_option("")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("@ada_demo").first).to_be_visible()
    both_widths(page, "score-v2-discover-tone")


def test_the_public_profile_speaks_of_its_member_and_is_named_by_the_account_scored(page):
    member = _member_with_feedback()
    page.goto(f"/u/{member.slug}/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("@ada_demo")
    expect(main.locator("#signals-title")).to_have_text("Score by signal")
    text = main.inner_text()
    assert "Replies they received" in text or "replies the network counted on their posts" in text.lower()
    assert not re.search(r"\byou(r|rs)?\b", text, re.IGNORECASE), re.findall(r".{30}\byour?\b.{30}", text)
    both_widths(page, "public-profile-visitor")
