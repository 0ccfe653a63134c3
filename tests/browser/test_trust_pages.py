"""The pages that say what a score rests on and what the service refused, as people see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity, SyncRun
from connectors.records import FETCHED, Batch, IdentityRecord, InteractionRecord, PostRecord, Provenance
from privacy.models import OptOutChallenge
from scoring.services import score_recompute
from tests.browser.conftest import both_widths, sign_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = timezone.now()


def _scored_member(*, uploaded_fans: int, fetched_fans: int):
    member = MemberFactory(profile_public=True)
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="1", handle="ada", followers=800)]),
        provenance=FETCHED,
    )
    identity = Identity.objects.get(external_id="1")
    Identity.objects.filter(pk=identity.pk).update(member=member)
    ConnectedAccount.objects.create(member=member, identity=identity, network="x")
    at = NOW - timedelta(days=2)

    def likes(post: str, fans: range) -> Batch:
        return Batch(
            posts=[
                PostRecord(network="x", external_id=post, author_id="1", created_at=at, text="Hello #klout")
            ],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=f"f{n}", target_id="1", occurred_at=at, post_id=post
                )
                for n in fans
            ],
        )

    ingest_batch(batch=likes("fetched", range(fetched_fans)), provenance=FETCHED)
    ingest_batch(
        batch=likes("uploaded", range(1000, 1000 + uploaded_fans)),
        provenance=Provenance.upload(member_id=member.pk, own={("x", "1")}),
    )
    score_recompute(now=NOW)
    return member


def test_a_partly_self_reported_score_says_so_on_the_dashboard_and_the_public_profile(page):
    member = _scored_member(uploaded_fans=12, fetched_fans=4)
    sign_in(page, member.user.email)
    page.goto("/dashboard/")
    provenance = page.get_by_test_id("provenance")
    expect(provenance).to_contain_text("Partly self-reported")
    expect(provenance).to_contain_text("connect the account")
    both_widths(page, "dashboard-self-reported")
    page.context.clear_cookies()
    page.goto(f"/u/{member.slug}/")
    expect(page.get_by_test_id("provenance")).to_contain_text("its owner's uploaded files")
    both_widths(page, "public-profile-self-reported")


def test_a_score_read_from_the_networks_is_marked_verified(page):
    member = _scored_member(uploaded_fans=0, fetched_fans=10)
    page.goto(f"/u/{member.slug}/")
    expect(page.get_by_test_id("provenance")).to_contain_text("Verified")
    both_widths(page, "public-profile-verified")


def test_the_opt_out_page_waits_for_the_worker_while_it_reads_the_bio(page):
    # Queued just now (not at import time): a check older than two minutes is shown as done.
    now = timezone.now()
    challenge = OptOutChallenge.objects.create(
        network="bluesky",
        handle="someone.bsky.social",
        expires_at=now + timedelta(hours=1),
        check_queued_at=now,
    )
    page.goto(f"/privacy/opt-out/{challenge.token}/")
    expect(page.get_by_role("status")).to_contain_text("Klout is reading the bio now")
    expect(page.get_by_role("button", name="Check now")).to_be_disabled()
    both_widths(page, "opt-out-checking")


def test_an_upload_beyond_the_members_quota_is_refused_with_a_reason(page, settings):
    settings.IMPORT_MAX_WAITING_PER_MEMBER = 1
    member = _scored_member(uploaded_fans=0, fetched_fans=1)
    SyncRun.objects.create(member=member, source="jsonl")
    sign_in(page, member.user.email)
    page.goto("/import/activity/")
    page.get_by_label("Activity file (JSON Lines)").set_input_files(
        files=[{"name": "a.jsonl", "mimeType": "application/json", "buffer": b'{"network": "x"}\n'}]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("alert").first).to_contain_text("You already have 1 import waiting")
    both_widths(page, "upload-refused")


def test_the_status_page_shows_no_details_to_visitors(page):
    page.goto("/health/")
    expect(page.get_by_role("heading", name="Service status")).to_be_visible()
    expect(page.get_by_text("shown to the operator's staff")).to_be_visible()
    both_widths(page, "health-visitor")
