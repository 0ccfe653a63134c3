"""An import re-scores what it stored; an opted-out member's upload is refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Member
from connectors.models import Post, SyncRun
from scoring.models import MemberScore
from tests.connectors.archive_zips import build_archive
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, zip_bytes):
    return client.post(
        reverse("connectors:archive_upload"),
        {"file": SimpleUploadedFile("archive.zip", zip_bytes, content_type="application/zip")},
    )


def test_an_imported_archive_gives_the_member_a_score(
    client, tmp_path, fixtures_dir, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, build_archive(tmp_path / "x.zip").read_bytes())
    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED
    score = MemberScore.objects.get(member=member, day=timezone.now().date())
    assert score.networks["x"] == pytest.approx(score.unsmoothed, abs=0.05)


def test_an_opted_out_member_cannot_upload(
    client, tmp_path, fixtures_dir, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    Member.objects.filter(pk=member.pk).update(opted_out_at=timezone.now())
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, build_archive(tmp_path / "x.zip").read_bytes())
    assert response.status_code == 302 and response.url == reverse("privacy:settings")
    assert not SyncRun.objects.exists() and not Post.objects.exists()


def test_the_import_command_refuses_an_opted_out_member(tmp_path, fixtures_dir):
    from django.core.management import CommandError, call_command

    member = MemberFactory()
    Member.objects.filter(pk=member.pk).update(opted_out_at=timezone.now())
    with pytest.raises(CommandError, match="opted out"):
        call_command("import_archive", str(build_archive(tmp_path / "x.zip")), member=member.user.email)
    assert not Post.objects.exists()


def test_an_archive_cannot_take_an_account_another_member_linked(tmp_path, fixtures_dir):
    from connectors.imports import ImportRefused
    from connectors.models import Identity
    from connectors.twitter.imports import archive_import

    first, second = MemberFactory(), MemberFactory()
    archive_import(path=build_archive(tmp_path / "a.zip"), member=first)
    with pytest.raises(ImportRefused, match="already linked to another member"):
        archive_import(path=build_archive(tmp_path / "b.zip"), member=second)
    assert Identity.objects.get(network="x", external_id="12497").member == first


def test_an_opted_out_member_cannot_make_their_profile_public(client):
    member = MemberFactory()
    Member.objects.filter(pk=member.pk).update(opted_out_at=timezone.now())
    client.force_login(member.user)
    response = client.post(reverse("scoring:profile_visibility"), {"public": "1"}, follow=True)
    assert "cannot be made public" in response.content.decode()
    assert not Member.objects.get(pk=member.pk).profile_public
