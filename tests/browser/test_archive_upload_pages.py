"""The new archive upload pages, as a member meets them: what to upload, where to find it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
            "Import your Bluesky repository",
            "Bluesky repository export (.car)",
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
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")
    page.get_by_label(label).set_input_files(str(wrong))
    page.get_by_role("main").get_by_role("button").last.click()
    expect(page.get_by_text("a file ending in")).to_be_visible()
    both_widths(page, f"{shot}-upload")
