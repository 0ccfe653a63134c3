"""Importing Instagram's and Facebook's "Download your information" exports (the hand-built
samples of ``meta_exports``): what each yields, Meta's text decoded, twice is once, broken files
refused with the reason and nothing written, and the kinds told apart by content."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from connectors.facebook.imports import facebook_export_import
from connectors.imports import ImportRefused
from connectors.instagram.imports import instagram_export_import
from connectors.models import Identity, Interaction, Post
from connectors.records import Origin
from tests.connectors.meta_exports import build_zip, facebook_files, instagram_files
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_an_instagram_export_brings_the_posts_reels_comments_likes_and_followers(tmp_path):
    member = MemberFactory()
    report = instagram_export_import(path=build_zip(tmp_path / "ig.zip", instagram_files()), member=member)

    ana = Identity.objects.get(network="instagram", external_id="ana.lima")
    assert ana.member == member and ana.member_claimed and ana.followers == 3
    assert (ana.name, ana.bio) == ("Ana Lima", "Café, câmera e viagens ☕")  # Meta's escaped UTF-8, decoded
    posts = Post.objects.filter(author=ana)
    assert sorted(posts.values_list("kind", "text")) == [
        ("photo", "Carrossel do fim de semana"), ("photo", "Manhã em Lisboa ☀️"), ("video", "O pôr do sol"),
    ]  # fmt: skip
    given = sorted(Interaction.objects.filter(actor=ana).values_list("kind", "target__external_id", "origin"))
    assert given == [
        ("like", "maria_costa", Origin.UPLOAD_GIVEN),
        ("reply", "joao.silva", Origin.UPLOAD_GIVEN),
    ]
    assert report.archive.tweets == 3


def test_a_facebook_export_brings_the_posts_photos_checkins_comments_and_friends(tmp_path):
    member = MemberFactory()
    report = facebook_export_import(path=build_zip(tmp_path / "fb.zip", facebook_files()), member=member)

    rui = Identity.objects.get(network="facebook", external_id="rui.martins")
    assert (rui.name, rui.location, rui.followers, rui.member) == (
        "Rui Martins",
        "Porto, Portugal",
        4,
        member,
    )
    kinds = sorted(Post.objects.filter(author=rui).values_list("kind", "text"))
    assert kinds == [
        ("check-in", "Rui Martins esteve em Estádio do Dragão."), ("comment", "Parabéns!"),
        ("photo", "Férias"), ("post", "Grande jogo hoje! ⚽"),
    ]  # fmt: skip
    assert not Interaction.objects.exists()  # the export names people by name only
    assert report.archive.extra["reactions_given_not_counted"] == 1


@pytest.mark.parametrize(
    "importer, files", [(instagram_export_import, instagram_files), (facebook_export_import, facebook_files)]
)
def test_the_same_export_twice_changes_nothing(tmp_path, importer, files):
    member, path = MemberFactory(), build_zip(tmp_path / "e.zip", files())
    importer(path=path, member=member)
    counts = (Post.objects.count(), Interaction.objects.count(), Identity.objects.count())
    importer(path=path, member=member)
    assert (Post.objects.count(), Interaction.objects.count(), Identity.objects.count()) == counts


IG_POSTS = "your_instagram_activity/content/posts_1.json"
IG_PROFILE = "personal_information/personal_information/personal_information.json"
FB_POSTS = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"
FB_FRIENDS = "connections/friends/your_friends.json"


@pytest.mark.parametrize(
    ("importer", "files", "message"),
    [
        (instagram_export_import, {**instagram_files(), IG_POSTS: '[{"media": ['}, "posts_1.json: broken"),
        (instagram_export_import, {IG_PROFILE: "{}"}, "names no Instagram username"),
        (instagram_export_import, {"index.html": "<html>"}, "has no personal_information.json"),
        (facebook_export_import, {**facebook_files(), FB_FRIENDS: '{"friends_v2": [1'}, "broken JSON"),
        (facebook_export_import, facebook_files(profile_uri=None), "does not name its profile's address"),
        (facebook_export_import, {**facebook_files(), FB_POSTS: "<html>"}, "not the JSON list Meta writes"),
    ],
)  # fmt: skip
def test_a_broken_export_is_refused_with_the_reason_and_nothing_stored(tmp_path, importer, files, message):
    with pytest.raises(ImportRefused, match=message):
        importer(path=build_zip(tmp_path / "broken.zip", files), member=MemberFactory())
    assert not Post.objects.exists() and not Identity.objects.exists()


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("{}")
    with pytest.raises(ImportRefused, match="not a zip archive"):
        instagram_export_import(path=path, member=MemberFactory())


def test_the_command_tells_instagram_facebook_and_linkedin_apart_by_content(tmp_path, capsys):
    from tests.connectors.linkedin.export_zips import build_linkedin_export

    member = MemberFactory()
    call_command(
        "import_archive", str(build_zip(tmp_path / "a.zip", instagram_files())), "--member", member.user.email
    )
    call_command(
        "import_archive", str(build_zip(tmp_path / "b.zip", facebook_files())), "--member", member.user.email
    )
    out = capsys.readouterr().out
    assert "Instagram export" in out and "Facebook export" in out
    assert set(Identity.objects.filter(member=member).values_list("network", flat=True)) == {
        "instagram",
        "facebook",
    }
    linkedin = build_linkedin_export(tmp_path / "c.zip")
    # LinkedIn's export names no profile: the command says so.
    with pytest.raises(CommandError, match="profile"):
        call_command("import_archive", str(linkedin), "--member", member.user.email)


def test_an_instagram_export_cannot_take_the_username_of_an_account_read_from_the_api(tmp_path):
    from connectors.ingest import ingest_batch
    from connectors.records import FETCHED, Batch, IdentityRecord

    # ana.lima, read from Instagram's API under her number.
    ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="instagram", external_id="178414", handle="ana.lima")]
        ),
        provenance=FETCHED,
    )
    with pytest.raises(ImportRefused, match="already reads @ana.lima from Instagram itself"):
        instagram_export_import(
            path=build_zip(tmp_path / "ig.zip", instagram_files()), member=MemberFactory()
        )
    assert not Identity.objects.filter(external_id="ana.lima").exists()


def test_signing_in_with_instagram_takes_back_the_username_an_upload_claimed(tmp_path, settings):
    from connectors.instagram.services import instagram_account_connect
    from connectors.oauth2 import Tokens

    squatter, owner = MemberFactory(), MemberFactory()
    instagram_export_import(path=build_zip(tmp_path / "ig.zip", instagram_files()), member=squatter)
    pages = {"data": [{"id": "1", "instagram_business_account": {"id": "178414", "username": "ana.lima"}}]}
    instagram_account_connect(member=owner, tokens=Tokens("t", "", None, ""), accounts=pages)
    accounts = Identity.objects.filter(network="instagram", external_id__in=["178414", "ana.lima"])
    assert set(accounts.values_list("external_id", "member")) <= {
        ("178414", owner.pk),
        ("ana.lima", owner.pk),
    }
    assert not Post.objects.filter(
        author__external_id="ana.lima"
    ).exists()  # what the squatter said of it goes


def test_a_facebook_profile_without_a_user_name_is_its_number():
    from connectors.records import ExternalIdError, external_id_canonical

    assert (
        external_id_canonical(
            network="facebook", external_id="https://www.facebook.com/profile.php?id=1000123"
        )
        == "1000123"
    )
    with pytest.raises(ExternalIdError):
        external_id_canonical(network="facebook", external_id="https://www.facebook.com/profile.php")
