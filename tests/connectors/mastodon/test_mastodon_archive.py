"""Importing a Mastodon archive: its posts, replies, boosts, mentions and favourites, as an upload."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from connectors.imports import ImportRefused
from connectors.mastodon.imports import mastodon_archive_import
from connectors.models import Identity, Interaction, Post, SyncRun
from connectors.records import Origin
from tests.connectors.mastodon.archive_zips import build_mastodon_archive
from tests.connectors.mastodon.fake_mastodon import MEMBER
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    return build_mastodon_archive(tmp_path / "archive-20261201.zip")


def test_an_archive_brings_the_posts_replies_boosts_mentions_and_favourites(archive):
    member = MemberFactory()
    report = mastodon_archive_import(path=archive, member=member)
    identity = Identity.objects.get(network="mastodon", external_id=MEMBER)
    assert identity.member == member and identity.member_claimed  # an upload claims, it does not prove
    assert (identity.name, identity.bio) == ("John Lennon", "I walk funny")
    assert report.archive.tweets == 11 and report.archive.likes_skipped == 1
    posts = Post.objects.filter(author=identity)
    assert posts.filter(kind="post").count() == 9 and posts.filter(kind="repost").count() == 1
    reply = posts.get(kind="reply")
    assert reply.parent_external_id == "https://mastodon.social/users/halcy/statuses/110446983926957470"
    given = sorted(Interaction.objects.filter(actor=identity).values_list("kind", "target__external_id"))
    assert given == [
        ("like", "halcy@mastodon.social"),
        ("mention", "admin@social.example"),
        ("reply", "halcy@mastodon.social"),
        ("repost", "gargron@mastodon.social"),
    ]
    # Said by the member of reactions they gave: counted for no one.
    origins = set(Interaction.objects.filter(actor=identity).values_list("origin", flat=True))
    assert origins == {Origin.UPLOAD_GIVEN}


def test_the_same_archive_twice_changes_nothing(archive):
    member = MemberFactory()
    mastodon_archive_import(path=archive, member=member)
    counts = (Post.objects.count(), Interaction.objects.count())
    mastodon_archive_import(path=archive, member=member)
    assert (Post.objects.count(), Interaction.objects.count()) == counts


@pytest.mark.parametrize(
    ("outbox", "message"),
    [
        ('{"orderedItems": [{"type": "Create"', "broken JSON"),
        ('{"type": "OrderedCollection"}', "has no 'orderedItems' list"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_a_broken_outbox_is_refused_and_nothing_is_stored(tmp_path, outbox, message):
    path = build_mastodon_archive(tmp_path / "broken.zip", outbox=outbox)
    with pytest.raises(ImportRefused, match=message):
        mastodon_archive_import(path=path, member=MemberFactory())
    assert not Post.objects.exists() and not Identity.objects.exists()


def test_an_actor_that_names_no_account_is_refused(tmp_path):
    path = build_mastodon_archive(tmp_path / "a.zip", actor={"id": "https://social.example/ap/users/1"})
    with pytest.raises(ImportRefused, match="names no account"):
        mastodon_archive_import(path=path, member=MemberFactory())


def test_an_account_linked_to_another_member_is_refused(archive):
    Identity.objects.create(network="mastodon", external_id=MEMBER, handle=MEMBER, member=MemberFactory())
    with pytest.raises(ImportRefused, match="already linked to another member"):
        mastodon_archive_import(path=archive, member=MemberFactory())


def test_the_command_tells_the_archive_apart_by_its_content(archive, tmp_path, capsys):
    member = MemberFactory()
    renamed = archive.rename(tmp_path / "twitter-archive.zip")  # the name says nothing
    call_command("import_archive", str(renamed), "--member", member.user.email)
    out = capsys.readouterr().out
    assert "Mastodon archive" in out and f"archive of @{MEMBER}" in out
    assert not Identity.objects.get(external_id=MEMBER).member_claimed  # the operator vouches
    other = tmp_path / "notes.zip"
    other.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
    with pytest.raises(CommandError, match="not an archive Klout reads"):
        call_command("import_archive", str(other), "--member", member.user.email)


def test_the_upload_page_imports_it_in_the_worker(
    client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = MemberFactory()
    client.force_login(member.user)
    page = client.get(reverse("connectors:mastodon_archive_upload"))
    assert b"Import your Mastodon archive" in page.content
    data = build_mastodon_archive(tmp_path / "upload.zip").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("connectors:mastodon_archive_upload"),
            {"file": SimpleUploadedFile("export.zip", data, content_type="application/zip")},
        )
    run = SyncRun.objects.get()
    assert response.status_code == 302 and (run.source, run.status) == ("mastodon_archive", "succeeded")
    assert Post.objects.filter(author__external_id=MEMBER).count() == 11


def test_an_upload_cannot_take_another_persons_status_ids(tmp_path):
    from tests.connectors.mastodon.archive_zips import CONTEXT, archive_activities

    items = archive_activities()
    stolen = items[0]
    stolen["object"]["id"] = "https://mastodon.social/users/halcy/statuses/110446984249325790"
    stolen["id"] = stolen["object"]["id"] + "/activity"
    outbox = json.dumps({"@context": CONTEXT, "type": "OrderedCollection", "orderedItems": items})
    path = build_mastodon_archive(tmp_path / "a.zip", outbox=outbox)
    mastodon_archive_import(path=path, member=MemberFactory())
    assert not Post.objects.filter(external_id__startswith="https://mastodon.social/").exists()
    assert Post.objects.count() == 10


def test_json_nested_without_end_is_refused_plainly(tmp_path):
    deep = '{"orderedItems": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    path = build_mastodon_archive(tmp_path / "deep.zip", outbox=deep)
    with pytest.raises(ImportRefused, match="nested too deeply"):
        mastodon_archive_import(path=path, member=MemberFactory())


def test_members_before_the_list_are_read_past_and_not_kept():
    import io

    from connectors.json_stream import CollectionReader

    text = "{" + ",".join(f'"m{i}": [[], {{}}, "x"]' for i in range(20_000)) + ', "orderedItems": [1, 2]}'
    reader = CollectionReader(io.BytesIO(text.encode()), name="outbox.json", key="orderedItems")
    assert list(reader) == [1, 2] and not hasattr(reader, "members")
