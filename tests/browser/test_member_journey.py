"""A new member's whole journey, as they would live it in a browser.

Sign up, upload an X archive built from the recorded samples, wait for the import and the
score, read the dashboard (score, drawn history chart, breakdown), make the profile public and
open it signed out, export their data and find their posts in the zip, opt out, and see that a
second import of the same archive stores nothing about them.
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Member
from connectors.models import Identity, Post
from scoring.models import IdentityScore, MemberScore
from tests.browser.conftest import both_widths, link_in_last_email, screenshot
from tests.connectors.archive_zips import build_archive, sample_tweets, tweets_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"  # noqa: S105
ARCHIVE_ACCOUNT = "12497"  # accountId in the recorded account.js


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def recent_archive(path):
    """The recorded tweets, re-dated into the last weeks so that they fall inside the 90-day
    window the score looks at (the recording is from 2019); everything else is as recorded."""
    tweets = sample_tweets()
    for days_ago, tweet in zip((40, 20, 5), tweets, strict=True):
        tweet["created_at"] = (timezone.now() - timedelta(days=days_ago)).strftime(
            "%a %b %d %H:%M:%S +0000 %Y"
        )
    return build_archive(path, tweets=tweets_js(tweets)), tweets


def sign_up(page, email):
    page.goto("/accounts/signup/")
    page.get_by_label("An influencer: I want my score").check()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    page.goto(link_in_last_email(email, r"/accounts/confirm-email/[^/\s]+/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your Klout score")).to_be_visible()


def upload_archive(page, path):
    page.goto("/connect/")
    page.locator("[data-source=x_archive]").get_by_role("button", name="Upload").click()
    page.get_by_label("X archive (.zip)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click(timeout=120_000)


def test_member_journey_from_archive_to_opt_out(page, new_page, tmp_path, media):
    sign_up(page, "simon@example.com")
    member = Member.objects.get(user__email="simon@example.com")
    archive, tweets = recent_archive(tmp_path / "twitter-archive.zip")

    # The import, its progress page, and the score it leads to.
    upload_archive(page, archive)
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)
    identity = Identity.objects.get(network="x", external_id=ARCHIVE_ACCOUNT)
    assert identity.member_id == member.pk
    assert Post.objects.filter(author=identity).count() == 3
    assert MemberScore.objects.filter(member=member).count() > 30  # today plus the history reconstructed
    page.goto("/connect/")
    both_widths(page, "connect")

    page.get_by_role("link", name="Dashboard").click()
    score = MemberScore.objects.filter(member=member).latest("day")
    expect(page.get_by_test_id("score")).to_have_text(f"{score.score:.0f}")
    chart = page.locator("#history-chart")
    expect(chart).to_have_attribute("data-points", str(MemberScore.objects.filter(member=member).count()))
    expect(page.get_by_role("heading", name="What your score is made of")).to_be_visible()
    expect(page.locator("#breakdown")).to_contain_text("X")
    both_widths(page, "dashboard")

    # The public profile, seen by someone signed out.
    page.get_by_role("button", name="Make my profile public").click()
    expect(page.get_by_text("Your profile is now public.")).to_be_visible()
    visitor = new_page()
    visitor.goto(f"/u/{member.slug}/")
    expect(visitor.get_by_role("heading", name="@simonw")).to_be_visible()
    expect(visitor.get_by_test_id("score")).to_have_text(f"{score.score:.0f}")
    expect(visitor.locator("#history-chart")).to_be_visible()
    assert "simon@example.com" not in visitor.content()
    both_widths(visitor, "public-profile")

    # Export: the zip holds the member's posts.
    page.goto("/account/privacy/export/")
    page.get_by_role("button", name="Build a new export").click()
    download_link = page.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        download_link.click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as exported:
        posts_file = next(name for name in exported.namelist() if name.endswith("posts.json"))
        texts = [post["text"] for post in json.loads(exported.read(posts_file))]
    assert sorted(texts) == sorted(t["full_text"] for t in tweets)

    # Opt out: gone from the database and the pages, and never stored again.
    page.goto("/account/privacy/")
    page.get_by_role("link", name="Opt out of tracking").click()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Opt out and delete my data").click()
    expect(page.get_by_text("You are opted out")).to_be_visible()
    assert not Identity.objects.filter(external_id=ARCHIVE_ACCOUNT).exists()
    # An archive proves nothing about who owns the account: no tombstone, which could erase a
    # stranger for good. The page offers the proof that makes Klout refuse it for good.
    offer = page.get_by_test_id("to-prove")
    expect(offer).to_contain_text("Opt out X @simonw with a code in its bio")
    screenshot(page, "privacy-opted-out-to-prove-laptop")
    assert not IdentityScore.objects.exists() or not MemberScore.objects.filter(member=member).exists()
    visitor.goto(f"/u/{member.slug}/")
    expect(visitor.get_by_role("main")).not_to_contain_text("@simonw")
    page.goto("/dashboard/")
    expect(page.get_by_role("main")).not_to_contain_text("@simonw")

    page.goto(reverse("connectors:archive_upload"))
    expect(page.get_by_text("You opted out of tracking")).to_be_visible()
    page.goto("/account/privacy/")
    # The offer was made once; following it starts the proof with the account filled in.
    page.goto("/privacy/opt-out/?network=x&handle=simonw")
    expect(page.get_by_label("Your account on it")).to_have_value("simonw")
    # Until proven, the member's opt-out took back only what the member's file said.
    assert not Post.objects.filter(text__in=[t["full_text"] for t in tweets]).exists()
