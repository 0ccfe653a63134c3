"""Importing a Bluesky repository export (.car): posts, replies, reposts, likes and follows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from connectors.bluesky.imports import bluesky_repo_import
from connectors.imports import ImportRefused
from connectors.models import Identity, Interaction, Post
from connectors.records import Origin
from tests.connectors.bluesky.car_files import build_car
from tests.connectors.bluesky.fake_bluesky import FakeBluesky
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(tmp_path):
    return build_car(tmp_path / "repo.car")


def test_an_export_brings_posts_replies_reposts_likes_and_follows(car):
    fake, member = FakeBluesky(), MemberFactory()
    report = bluesky_repo_import(path=car, member=member)
    identity = Identity.objects.get(network="bluesky", external_id=fake.did)
    assert identity.member == member and identity.member_claimed and identity.name == "Python SDK"
    assert report.archive.tweets == 3 and report.archive.following == 1 and report.archive.likes_skipped == 1
    kinds = sorted(Post.objects.filter(author=identity).values_list("kind", flat=True))
    assert kinds == ["post", "post", "reply"]
    post = Post.objects.get(external_id=f"at://{fake.did}/app.bsky.feed.post/3k2yihcrp6f2c")
    assert post.text == "new text114"
    given = sorted(Interaction.objects.filter(actor=identity).values_list("kind", "target__external_id"))
    fan, other = fake.fans[0]["did"], fake.fans[1]["did"]
    assert given == [("follow", other), ("like", fan), ("reply", fan), ("repost", fan)]
    assert set(Interaction.objects.values_list("origin", flat=True)) == {Origin.UPLOAD_GIVEN}


def test_a_file_that_is_not_a_car_or_is_damaged_is_refused(tmp_path, car):
    text = tmp_path / "notes.car"
    text.write_text("not a car")
    with pytest.raises(ImportRefused, match="not a Bluesky repository export"):
        bluesky_repo_import(path=text, member=MemberFactory())
    cut = tmp_path / "cut.car"
    cut.write_bytes(car.read_bytes()[:-40])
    with pytest.raises(ImportRefused, match="damaged"):
        bluesky_repo_import(path=cut, member=MemberFactory())
    assert not Post.objects.exists() and not Identity.objects.exists()


def test_an_export_without_a_did_is_refused(tmp_path):
    path = build_car(tmp_path / "x.car", did="alice.bsky.social", records={})
    with pytest.raises(ImportRefused, match="names no account"):
        bluesky_repo_import(path=path, member=MemberFactory())


def test_the_command_tells_a_car_apart_from_a_zip(car, tmp_path, capsys):
    member = MemberFactory()
    renamed = car.rename(tmp_path / "archive.zip")
    call_command("import_archive", str(renamed), "--member", member.user.email)
    assert "Bluesky repository export" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not an archive Klout reads"):
        (tmp_path / "n.txt").write_text("hello")
        call_command("import_archive", str(tmp_path / "n.txt"), "--member", member.user.email)


def test_the_same_export_twice_changes_nothing(car):
    member = MemberFactory()
    bluesky_repo_import(path=car, member=member)
    counts = (Post.objects.count(), Interaction.objects.count(), Identity.objects.count())
    bluesky_repo_import(path=car, member=member)
    assert (Post.objects.count(), Interaction.objects.count(), Identity.objects.count()) == counts
