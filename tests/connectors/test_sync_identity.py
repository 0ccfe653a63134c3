"""``manage.py sync_identity``: a public account of no member, read through the sync path."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.models import Identity, Interaction, Post, SyncRun, Tombstone, tombstone_digest
from tests.connectors.bluesky.fake_bluesky import FakeBluesky
from tests.connectors.mastodon.fake_mastodon import HOME, MEMBER, FakeMastodon
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def mastodon(settings):
    fake = FakeMastodon()
    with FakeHTTPServer(handler=fake) as http:
        settings.MASTODON_INSTANCE_URL = http.url
        yield fake, http


@pytest.fixture
def bluesky(settings):
    fake = FakeBluesky()
    with FakeHTTPServer(handler=fake) as http:
        fake.url = http.url
        settings.BLUESKY_APPVIEW_URL = settings.BLUESKY_PLC_DIRECTORY_URL = http.url
        yield fake, http


def _run(*args) -> str:
    out = StringIO()
    call_command("sync_identity", *args, stdout=out)
    return out.getvalue()


def test_a_public_mastodon_account_is_read_without_a_token_or_a_member(mastodon):
    fake, http = mastodon
    said = _run("mastodon", f"@mastodonpy_test@{HOME}")
    assert "Read Mastodon" in said and "10 new posts" in said
    identity = Identity.objects.get(network="mastodon", external_id=MEMBER)
    assert identity.member_id is None and Post.objects.filter(author=identity).count() == 10
    assert Interaction.objects.filter(target=identity, kind="repost").exists()
    assert all("authorization" not in r.headers for r in http.requests)
    assert not http.requests_to("/api/v1/notifications")  # only the account itself can read those
    run = SyncRun.objects.get()
    assert (run.source, run.status, run.account_id, run.member_id) == (
        "mastodon_api",
        "succeeded",
        None,
        None,
    )


def test_a_public_bluesky_account_is_read_by_its_handle_confirmed_both_ways(bluesky):
    fake, http = bluesky
    said = _run("bluesky", fake.handle)
    assert "Read Bluesky" in said
    identity = Identity.objects.get(network="bluesky", external_id=fake.did)
    assert Interaction.objects.filter(target=identity, kind="like").count() == 3
    assert fake.sessions == 0  # no sign-in: the AppView's reads are public


def test_an_opted_out_account_is_refused_before_any_call(mastodon):
    fake, http = mastodon
    Tombstone.objects.create(digest=tombstone_digest(network="mastodon", external_id=MEMBER))
    with pytest.raises(CommandError, match="opted out"):
        _run("mastodon", MEMBER)
    assert not http.requests and not Identity.objects.exists()


def test_a_members_account_is_left_to_the_member(mastodon):
    fake, http = mastodon
    Identity.objects.create(network="mastodon", external_id=MEMBER, handle=MEMBER, member=MemberFactory())
    with pytest.raises(CommandError, match="belongs to a Klout member"):
        _run("mastodon", MEMBER)
    assert not http.requests


def test_nonsense_is_told_plainly(mastodon):
    with pytest.raises(CommandError, match="choose one of: mastodon, bluesky"):
        _run("x", "someone")
    with pytest.raises(CommandError, match="Give your Mastodon address in full"):
        _run("mastodon", "alice")
    with pytest.raises(CommandError, match="stopped"):
        _run("mastodon", f"nobody@{HOME}")
