from __future__ import annotations

import zipfile
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from connectors.imports import ImportRefused
from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Post
from connectors.records import Origin
from connectors.twitter.imports import archive_import
from tests.conftest import require
from tests.connectors.archive_zips import SAMPLES, build_archive, sample_tweets, tweets_js
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")
    return build_archive(tmp_path / "twitter-archive.zip")


def _rows() -> tuple[int, int, int]:
    return Identity.objects.count(), Post.objects.count(), Interaction.objects.count()


def test_the_operators_import_of_an_archive_keeps_what_it_says_of_others(archive):
    archive_import(path=archive, member=MemberFactory(), origin=Origin.OPERATOR)
    mentioned = Interaction.objects.filter(kind="mention").values_list("target__handle", flat=True)
    assert sorted(mentioned) == ["Natbat", "inaturalist", "observablehq"]
    assert Identity.objects.get(external_id="22737278").handle == "drvox"
    assert set(Interaction.objects.values_list("origin", "reported_by")) == {(Origin.OPERATOR, None)}


def test_archive_import_stores_what_the_samples_contain(archive):
    member = MemberFactory()

    report = archive_import(path=archive, member=member)

    # account.js: @simonw, id 12497; tweets.json: 3 tweets (a repost of @drvox, a reply to
    # @scientiffic that names 6 more accounts, 3 after the conversation X puts first, a quote);
    # 2 followers, 2 followed.
    simon = Identity.objects.get(network="x", external_id="12497")
    assert (simon.handle, simon.name, simon.member) == ("simonw", "Simon Willison", member)
    assert Post.objects.filter(author=simon).count() == 3
    reply = Post.objects.get(external_id="1169196446043664385")
    assert (reply.kind, reply.parent_external_id, reply.likes, reply.reposts) == (
        "reply",
        "1169079390577319937",
        2,
        0,
    )
    assert reply.created_at == datetime(2019, 9, 4, 10, 32, 10, tzinfo=UTC)
    repost = Post.objects.get(external_id="1169246717864136705")
    # A repost shows the original's counts (42 reposts) in the archive: not the member's.
    assert (repost.kind, repost.reposts, repost.likes) == ("repost", None, None)
    quote = Post.objects.get(external_id="1168529001599533057")
    assert (quote.kind, quote.parent_external_id, quote.likes, quote.reposts) == (
        "quote",
        "861696799362478085",
        31,
        4,
    )

    kinds = sorted(Interaction.objects.values_list("kind", flat=True))
    assert kinds == ["follow"] * 4 + ["mention"] * 3 + ["quote", "reply", "repost"]
    # The reply opens with @scientiffic @Wikipedia @unsplash @cagarrity, the conversation X
    # put before its shown text; the author named @inaturalist, @Natbat and @observablehq.
    # An upload describes only its uploader's accounts: the others enter by their ids alone.
    mentioned = Interaction.objects.filter(kind="mention").values_list(
        "target__external_id", "target__handle"
    )
    assert sorted(mentioned) == [("12161", ""), ("14239043", ""), ("905255756789825536", "")]
    # The quoted post comes embedded with its author, @bwhitman.
    quoted = Interaction.objects.get(kind="quote")
    assert (quoted.target.external_id, quoted.post_external_id) == ("14148390", "861696799362478085")
    drvox = Identity.objects.get(external_id="22737278")
    assert (drvox.handle, drvox.origin) == ("", None)
    assert Interaction.objects.get(kind="repost").target == drvox
    # Everything the archive says is the member's own report of it: what they received (their
    # followers) self-reported, what they gave (mentions, replies, follows...) counting for no one.
    assert set(Interaction.objects.filter(target=simon).values_list("origin", "reported_by")) == {
        (Origin.UPLOAD, member.pk)
    }
    assert set(Interaction.objects.exclude(target=simon).values_list("origin", "reported_by")) == {
        (Origin.UPLOAD_GIVEN, member.pk)
    }
    assert set(Post.objects.values_list("origin", flat=True)) == {Origin.UPLOAD}
    assert simon.origin == Origin.UPLOAD
    assert set(
        Interaction.objects.filter(kind="follow", target=simon).values_list("actor__external_id", flat=True)
    ) == {
        "73747798",
        "386025404",
    }
    assert report.archive.tweets == 3 and (report.archive.followers, report.archive.following) == (2, 2)


def test_importing_the_same_archive_twice_leaves_the_same_rows(archive):
    member = MemberFactory()
    archive_import(path=archive, member=member)
    once = _rows()

    second = archive_import(path=archive, member=member)

    assert _rows() == once
    assert second.ingest.interactions.new == 0 and second.ingest.posts.new == 0


def test_import_archive_command_prints_a_summary(archive, capsys):
    member = MemberFactory()

    call_command("import_archive", str(archive), "--member", member.user.email.upper())

    out = capsys.readouterr().out
    assert "records read:" in out and "archive of @simonw (12497): 3 posts, 2 followers, 2 following" in out


def test_import_archive_command_needs_a_known_member(archive):
    with pytest.raises(CommandError, match="No member has the email"):
        call_command("import_archive", str(archive), "--member", "nobody@example.org")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "archive.zip"
    path.write_text("window.YTD.tweets.part0 = []")

    with pytest.raises(ImportRefused, match="not a zip archive"):
        archive_import(path=path, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_a_zip_without_tweets_is_refused(tmp_path):
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")
    path = build_archive(tmp_path / "a.zip", tweets=False)

    with pytest.raises(ImportRefused, match=r"no data/tweets\.js"):
        archive_import(path=path, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_broken_json_names_the_file_and_line_and_writes_nothing(tmp_path):
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")
    lines = tweets_js(sample_tweets() * 40).split("\n")
    # Break the JSON deep in the file, after many tweets that were parsed fine.
    target = next(i for i, line in enumerate(lines) if i > len(lines) * 3 // 4 and '"lang"' in line)
    lines[target] = lines[target].replace('"lang"', '"lang" "')
    path = build_archive(tmp_path / "a.zip", tweets="\n".join(lines))

    with pytest.raises(ImportRefused, match=r"data/tweets\.js: broken JSON near line \d+"):
        archive_import(path=path, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_truncated_tweets_file_is_refused(tmp_path):
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")
    body = tweets_js(sample_tweets())
    path = build_archive(tmp_path / "a.zip", tweets=body[: len(body) - 40])

    with pytest.raises(ImportRefused, match="broken JSON"):
        archive_import(path=path, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_a_zip_bomb_is_refused_before_decompressing(tmp_path, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = [" + " " * 50_000_000 + "]")

    with pytest.raises(ImportRefused, match="zip bomb"):
        archive_import(path=path, member=MemberFactory())


def _many_entries(path, count: int):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")
        for n in range(count - 1):
            archive.writestr(f"data/tweets_media/{n}.jpg", b"")
    return path


def test_a_zip_of_too_many_entries_is_refused_before_its_directory_is_read(tmp_path, settings, monkeypatch):
    settings.IMPORT_MAX_ZIP_ENTRIES = 1000
    path = _many_entries(tmp_path / "many.zip", 1001)

    def opened(*args, **kwargs):
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(zipfile, "ZipFile", opened)
    with pytest.raises(ImportRefused, match="holds 1,001 files, more than the 1,000 allowed"):
        archive_import(path=path, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_the_entry_count_of_a_zip64_archive_is_read_from_its_zip64_record(tmp_path):
    from connectors.archives import zip_entry_count

    # Beyond 65,535 entries the plain end record says 0xFFFF and the real count moves to zip64's.
    assert zip_entry_count(_many_entries(tmp_path / "big.zip", 70_000)) == 70_000
    assert zip_entry_count(_many_entries(tmp_path / "small.zip", 3)) == 3
    (tmp_path / "not.zip").write_bytes(b"not a zip at all")
    assert zip_entry_count(tmp_path / "not.zip") is None


def test_an_archive_larger_than_allowed_uncompressed_is_refused(archive, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1000

    with pytest.raises(ImportRefused, match="more than the 1,000 allowed"):
        archive_import(path=archive, member=MemberFactory())
    assert _rows() == (0, 0, 0)


def test_an_archive_of_an_account_linked_to_another_member_is_refused(archive):
    archive_import(path=archive, member=MemberFactory())
    before = _rows()

    with pytest.raises(ImportRefused, match="already linked to another member"):
        archive_import(path=archive, member=MemberFactory())
    assert _rows() == before


def test_the_reader_streams_across_chunk_boundaries(tmp_path, monkeypatch):
    from connectors import json_stream as ytd

    monkeypatch.setattr(ytd, "CHUNK_CHARS", 7)
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")

    report = archive_import(path=build_archive(tmp_path / "a.zip"), member=MemberFactory())

    assert report.archive.tweets == 3
    assert Post.objects.get(external_id="1168529001599533057").likes == 31


# --- an archive is a claim, not a proof ----------------------------------------------------------


def _fetched_stranger():
    """X account 12497 (the samples' @simonw) never joined: other members' syncs read it."""
    from connectors.records import FETCHED, Batch, IdentityRecord, InteractionRecord, PostRecord

    at = datetime(2024, 5, 1, tzinfo=UTC)
    ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="x", external_id="12497", handle="simonw", followers=50_000)],
            posts=[PostRecord(network="x", external_id="p1", author_id="12497", created_at=at, likes=10)],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id="777", target_id="12497", occurred_at=at, post_id="p1"
                )
            ],
        ),
        provenance=FETCHED,
    )


def test_an_edited_archive_cannot_take_over_an_account_klout_reads_from_x(archive):
    _fetched_stranger()
    before = _rows()

    with pytest.raises(
        ImportRefused, match="Klout already holds what X or other members say about @simonw"
    ) as refused:
        archive_import(path=archive, member=MemberFactory(profile_public=False))

    assert "Connect X" in str(refused.value)
    assert _rows() == before
    assert Identity.objects.get(external_id="12497").member is None


def test_an_account_known_only_as_a_fetched_mention_cannot_be_claimed_either(archive):
    from connectors.records import FETCHED, Batch, InteractionRecord

    mention = InteractionRecord(
        network="x",
        kind="mention",
        actor_id="777",
        target_id="12497",
        occurred_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    ingest_batch(batch=Batch(interactions=[mention]), provenance=FETCHED)
    with pytest.raises(ImportRefused, match="already holds what X or other members say"):
        archive_import(path=archive, member=MemberFactory())
    assert Identity.objects.get(external_id="12497").handle == ""


def test_the_operator_may_link_an_account_klout_reads(archive):
    _fetched_stranger()
    member = MemberFactory()
    archive_import(path=archive, member=member, origin=Origin.OPERATOR)
    assert Identity.objects.get(external_id="12497").member == member


def test_opting_out_of_a_claimed_account_takes_back_the_upload_but_erases_nobody(archive):
    from connectors.models import Tombstone
    from connectors.records import FETCHED, Batch, InteractionRecord
    from privacy.services import member_opt_out

    member = MemberFactory()
    archive_import(path=archive, member=member)
    # Later, a fan's like of the account is read from X by someone else's sync.
    like = InteractionRecord(
        network="x",
        kind="like",
        actor_id="777",
        target_id="12497",
        occurred_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    ingest_batch(batch=Batch(interactions=[like]), provenance=FETCHED)

    member_opt_out(member=member)

    # What the member's archive said is gone; what X says stays; no tombstone: an archive
    # proves nothing, and a tombstone would lock the real owner out for good.
    assert not Post.objects.exists()
    assert not Interaction.objects.filter(origin=Origin.UPLOAD).exists()
    stranger = Identity.objects.get(external_id="12497")
    assert (stranger.member, stranger.handle, stranger.origin) == (None, "", None)
    assert list(Interaction.objects.values_list("actor__external_id", "kind")) == [("777", "like")]
    assert not Tombstone.objects.exists()


def test_opting_out_of_an_account_signed_in_with_tombstones_it(archive):
    from connectors.models import ConnectedAccount, Tombstone
    from privacy.services import member_opt_out

    member = MemberFactory()
    archive_import(path=archive, member=member)
    ConnectedAccount.objects.create(
        member=member, identity=Identity.objects.get(external_id="12497"), network="x"
    )

    member_opt_out(member=member)

    assert not Identity.objects.filter(external_id="12497").exists()
    assert Tombstone.objects.count() == 1


def test_an_account_known_from_another_members_upload_cannot_be_claimed(archive):
    from connectors.records import Batch, InteractionRecord, Provenance

    bob = MemberFactory()
    Identity.objects.create(network="x", external_id="9", member=bob)
    reply = InteractionRecord(
        network="x",
        kind="reply",
        actor_id="9",
        target_id="12497",
        occurred_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    ingest_batch(
        batch=Batch(interactions=[reply]), provenance=Provenance.upload(member_id=bob.pk, own={("x", "9")})
    )

    with pytest.raises(ImportRefused, match="already holds what X or other members say"):
        archive_import(path=archive, member=MemberFactory())


def test_the_operators_import_confirms_a_members_claim(archive):
    member = MemberFactory()
    archive_import(path=archive, member=member)
    assert Identity.objects.get(external_id="12497").member_claimed
    archive_import(path=archive, member=member, origin=Origin.OPERATOR)
    assert not Identity.objects.get(external_id="12497").member_claimed


def test_signing_in_with_x_takes_a_claim_over_and_drops_what_the_claimer_uploaded(archive):
    from connectors.models import ConnectedAccount
    from connectors.twitter.oauth import Tokens
    from connectors.twitter.services import x_account_connect

    claimer, owner = MemberFactory(), MemberFactory()
    archive_import(path=archive, member=claimer)
    assert Post.objects.filter(author__external_id="12497").exists()

    x_account_connect(
        member=owner,
        tokens=Tokens(access_token="a", refresh_token="r", expires_at=None, scopes="tweet.read"),
        profile={"data": {"id": "12497", "username": "simonw", "name": "Simon Willison"}},
    )

    simon = Identity.objects.get(external_id="12497")
    assert (simon.member, simon.member_claimed, simon.handle) == (owner, False, "simonw")
    assert ConnectedAccount.objects.get().member == owner
    # The claimer's archive spoke in the owner's name: none of it stays.
    assert not Post.objects.exists()
    assert not Interaction.objects.filter(reported_by=claimer).exists()


def test_a_claim_does_not_hide_an_account_the_network_shows_nor_speak_for_it_any_more(archive):
    from connectors.claims import member_upload_keys
    from connectors.records import FETCHED, Batch, IdentityRecord
    from connectors.selectors import identities_visible

    claimer = MemberFactory(profile_public=False)
    archive_import(path=archive, member=claimer)
    assert not identities_visible().filter(external_id="12497").exists()
    assert ("x", "12497") in member_upload_keys(member=claimer)

    # Later the network itself shows the account (someone's sync read its profile).
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="12497", handle="simonw")]),
        provenance=FETCHED,
    )

    assert identities_visible().filter(external_id="12497").exists()
    assert ("x", "12497") not in member_upload_keys(member=claimer)
