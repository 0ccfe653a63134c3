"""The upload pages and an import's result page, as a member meets them: what to upload, where
to find it, and what became of it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from connectors.models import Identity, SyncRun
from tests.browser.conftest import both_widths, sign_in
from tests.connectors.archive_zips import build_archive
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def shown_figures(page) -> dict[str, int]:
    stats = page.locator("#import-stats [data-stat]")
    return {
        stats.nth(i).get_attribute("data-stat"): int(stats.nth(i).inner_text().replace(",", ""))
        for i in range(stats.count())
    }


@pytest.mark.parametrize(
    ("path", "heading", "label", "shot"),
    [
        (
            "/import/mastodon-archive/",
            "Import your Mastodon archive",
            "Mastodon archive (.zip)",
            "mastodon-archive",
        ),
        (
            "/import/bluesky-repo/",
            "Import your Bluesky data",
            "Bluesky data export (.car file)",
            "bluesky-repo",
        ),
    ],
)
def test_an_upload_page_says_what_to_upload_and_refuses_the_wrong_file(
    page, tmp_path, path, heading, label, shot
):
    sign_in(page, MemberFactory().user.email)
    page.goto(path)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="Where to get it")).to_be_visible()
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")
    page.get_by_label(label).set_input_files(str(wrong))
    page.get_by_role("main").get_by_role("button").last.click()
    expect(page.get_by_text("a file ending in")).to_be_visible()
    both_widths(page, f"{shot}-upload")


def test_the_activity_upload_page_labels_every_field_in_plain_words(page):
    sign_in(page, MemberFactory().user.email)
    page.goto("/import/activity/")
    expect(page.get_by_role("heading", name="What goes in the file")).to_be_visible()
    expect(page.get_by_label("Activity file (JSON Lines)")).to_be_visible()
    network = page.get_by_label("Network the activity is from")
    expect(network).to_be_visible()
    expect(network.locator("option:checked")).to_have_text("Each line says which network")
    expect(page.get_by_role("main")).not_to_contain_text("--network")
    both_widths(page, "activity-upload")


def test_a_succeeded_import_shows_figures_that_add_up_and_where_to_go_next(page, tmp_path, media):
    sign_in(page, MemberFactory().user.email)
    page.goto("/import/x-archive/")
    page.get_by_label("X archive (.zip)").set_input_files(str(build_archive(tmp_path / "twitter.zip")))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)

    figures = shown_figures(page)
    assert figures == {"read": 22, "new": 14, "already": 0, "skipped": 8}
    assert figures["new"] + figures["already"] + figures["skipped"] == figures["read"]
    expect(page.locator("#import-progress")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Imported.")).to_be_visible()
    expect(page.locator("#import-not-own")).to_contain_text("an upload may describe only your own accounts")
    expect(page.locator("#import-not-own").get_by_role("link")).to_have_attribute(
        "href", "/how-the-score-works/#provenance-what-is-self-reported-and-how-much-of-a-score-rests-on-it"
    )
    expect(page.get_by_role("button", name="See your score")).to_have_attribute("href", "/dashboard/")
    expect(page.get_by_role("button", name="Import another file")).to_have_attribute("href", "/connect/")
    both_widths(page, "import-succeeded")


def test_a_failed_import_says_why_and_what_to_do_without_a_progress_bar(page, tmp_path, media):
    sign_in(page, MemberFactory().user.email)
    page.goto("/import/x-archive/")
    fake = tmp_path / "twitter-archive-with-a-rather-long-name-from-a-download-folder.zip"
    fake.write_bytes(b"not a zip at all")
    page.get_by_label("X archive (.zip)").set_input_files(str(fake))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Failed", timeout=60_000)

    expect(page.get_by_role("alert")).to_contain_text("This file was not imported.")
    expect(page.get_by_role("alert")).to_contain_text("This file is not a zip archive.")
    expect(page.locator("progress")).to_have_count(0)
    expect(page.locator("#import-stats")).to_have_count(0)
    expect(page.get_by_role("button", name="Upload a file again")).to_have_attribute(
        "href", "/import/x-archive/"
    )
    both_widths(page, "import-failed")


def test_an_import_in_progress_shows_its_bar(page):
    member = MemberFactory()
    Identity.objects.create(network="x", external_id="2", handle="me", member=member)
    run = SyncRun.objects.create(
        member=member, source="jsonl", status="running", progress=40, upload_name="activity.jsonl"
    )
    sign_in(page, member.user.email)
    page.goto(f"/import/runs/{run.pk}/")
    expect(page.locator("#import-state")).to_have_text("Running")
    expect(page.locator("#import-progress")).to_have_attribute("value", "40")
    expect(page.get_by_role("alert")).to_be_hidden()
    both_widths(page, "import-running")


def test_an_activity_file_with_bad_lines_lists_them(page, tmp_path, media):
    member = MemberFactory()
    Identity.objects.create(network="x", external_id="2", handle="me", member=member)
    sign_in(page, member.user.email)
    page.goto("/import/activity/")
    good = json.dumps(
        {
            "network": "x",
            "kind": "like",
            "actor": {"id": "1"},
            "target": {"id": "2"},
            "post_id": "3",
            "occurred_at": "2024-01-01T00:00:00Z",
        }
    )
    bad = good.replace('"like"', '"poke"')
    page.get_by_label("Activity file (JSON Lines)").set_input_files(
        files=[
            {"name": "activity.jsonl", "mimeType": "application/json", "buffer": f"{good}\n{bad}\n".encode()}
        ]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-state")).to_have_text("Succeeded", timeout=60_000)
    assert shown_figures(page) == {"read": 2, "new": 1, "already": 0, "skipped": 1}
    expect(page.get_by_role("heading", name="Lines that could not be read")).to_be_visible()
    expect(page.locator("#import-rejected")).to_contain_text("kind 'poke' is not one of")
    both_widths(page, "import-activity-bad-lines")
