"""Importing a LinkedIn data export (the hand-built sample of ``export_zips``): posts whole,
articles, comments, the connections as the audience; twice is once; broken files refused."""

from __future__ import annotations

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connectors.imports import ImportRefused
from connectors.linkedin.imports import linkedin_export_import
from connectors.models import Identity, Interaction, Post, SyncRun
from tests.connectors.linkedin.export_zips import LONG_POST, PROFILE, build_linkedin_export
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(tmp_path):
    return build_linkedin_export(tmp_path / "Basic_LinkedInDataExport_12-01-2026.zip")


def test_an_export_brings_the_profile_posts_articles_comments_and_audience(export):
    member = MemberFactory()

    report = linkedin_export_import(
        path=export, member=member, profile="https://www.linkedin.com/in/Alice-Smith/"
    )

    identity = Identity.objects.get(network="linkedin", external_id=PROFILE)
    assert identity.member == member and identity.member_claimed
    assert (identity.name, identity.location) == ("Alice Smith", "Lisbon, Portugal")
    assert identity.bio == "Product lead at Lumen\nI build things people love, together."
    assert identity.followers == 3  # the three connections; nothing else of them is kept
    assert not Identity.objects.exclude(pk=identity.pk).exists() and not Interaction.objects.exists()
    posts = Post.objects.filter(author=identity)
    assert sorted(posts.values_list("kind", flat=True)) == ["article", "comment", "post", "post"]
    long = posts.get(url__contains="7123456789012345678")
    assert long.external_id.startswith("export:")  # the member's own id of it: the URN with its author
    assert long.text == LONG_POST  # many lines and quotes: one post, its whole text
    assert posts.get(kind="article").text == "Why small teams win"
    comment = posts.get(kind="comment")
    assert comment.text == 'Congratulations, "well deserved"!'
    assert comment.parent_external_id == "urn:li:activity:7124444444444444444"
    assert report.archive.extra["reactions_given_not_counted"] == 2


def test_the_same_export_twice_changes_nothing(export):
    member = MemberFactory()
    linkedin_export_import(path=export, member=member, profile=PROFILE)
    counts = (Post.objects.count(), Identity.objects.count())
    linkedin_export_import(path=export, member=member, profile=PROFILE)
    assert (Post.objects.count(), Identity.objects.count()) == counts


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ({"Shares.csv": None, "Connections.csv": None}, "no Shares.csv"),
        ({"Profile.csv": None}, "has no Profile.csv"),
        ({"Shares.csv": '\ufeffDate,ShareLink,ShareCommentary\n2026-11-20 09:15:02,"https://x,"open quote\n'},
         "Shares.csv, line 2"),
        ({"Shares.csv": "Date,ShareLink,ShareCommentary\nyesterday,,hi\n"}, "is not a date LinkedIn writes"),
        ({"Comments.csv": "Date,Link,Message\n2026-11-22 10:00:00\n"}, "Comments.csv, line 2: 1 fields"),
        ({"Comments.csv": "Date,Link,Message\n2026-11-22 10:00:00,,Caf\xe9\n".encode("cp1252")}, "not UTF-8"),
    ],
)  # fmt: skip
def test_a_broken_export_is_refused_naming_the_problem_and_nothing_is_stored(tmp_path, replace, message):
    path = build_linkedin_export(tmp_path / "broken.zip", replace=replace)
    with pytest.raises(ImportRefused, match=message):
        linkedin_export_import(path=path, member=MemberFactory(), profile=PROFILE)
    assert not Post.objects.exists() and not Identity.objects.exists()


def test_not_a_zip_and_a_zip_bomb_are_refused(tmp_path, settings):
    text = tmp_path / "export.zip"
    text.write_text("First Name,Last Name\n")
    with pytest.raises(ImportRefused, match="not a zip archive"):
        linkedin_export_import(path=text, member=MemberFactory(), profile=PROFILE)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Profile.csv", "a" * (4 * 1024 * 1024))
    settings.IMPORT_MAX_COMPRESSION_RATIO = 50
    with pytest.raises(ImportRefused, match="zip bomb"):
        linkedin_export_import(path=bomb, member=MemberFactory(), profile=PROFILE)


def test_without_the_profiles_address_the_export_is_refused_saying_what_to_give(export):
    with pytest.raises(ImportRefused, match=r"give your profile's address \(linkedin.com/in/"):
        linkedin_export_import(path=export, member=MemberFactory())


def test_the_upload_page_asks_for_the_address_and_imports_in_the_worker(
    client, tmp_path, settings, export, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = MemberFactory()
    client.force_login(member.user)
    url = reverse("connectors:linkedin_export_upload")
    page = client.get(url).content.decode()
    assert "approved partners" in page and "Your LinkedIn profile" in page
    upload = SimpleUploadedFile("export.zip", export.read_bytes(), content_type="application/zip")
    refused = client.post(url, {"file": upload, "profile": "https://evil.example/in/alice"})
    assert "not a LinkedIn profile" in refused.content.decode() and not SyncRun.objects.exists()
    upload = SimpleUploadedFile("export.zip", export.read_bytes(), content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload, "profile": "linkedin.com/in/alice-smith"})
    run = SyncRun.objects.get()
    assert response.status_code == 302 and (run.source, run.status) == ("linkedin_export", "succeeded")
    assert Post.objects.filter(author__external_id=PROFILE).count() == 4
