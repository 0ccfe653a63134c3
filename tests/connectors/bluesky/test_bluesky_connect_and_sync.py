"""Connecting Bluesky with an app password on the member's PDS, and the hourly sync."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors.bluesky.sync import bluesky_account_sync
from connectors.models import ConnectedAccount, Interaction, Post, SyncRun
from connectors.sync import SyncPolicy
from tests.connectors.bluesky.fake_bluesky import APP_PASSWORD, FakeBluesky
from tests.fakes.http_server import FakeHTTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    return FakeBluesky()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        fake.url = http.url
        settings.BLUESKY_APPVIEW_URL = http.url
        settings.BLUESKY_PLC_DIRECTORY_URL = http.url
        settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True  # the PDS is this local server
        yield http


def _connect(member_client, fake, password=APP_PASSWORD, handle=None):
    return member_client.post(
        reverse("bluesky:connect"), {"handle": handle or fake.handle, "app_password": password}, follow=True
    )


def test_an_app_password_connects_the_account_on_its_own_pds(member_client, server, fake):
    response = _connect(member_client, fake)
    assert response.status_code == 200 and b"Connected @test.marshal.dev" in response.content
    account = ConnectedAccount.objects.get(member=member_client.member)
    assert (account.identity.external_id, account.identity.handle) == (fake.did, fake.handle)
    assert account.server == server.url and account.access_token == APP_PASSWORD
    assert account.identity.followers == 120


def test_a_wrong_app_password_or_a_main_password_connects_nothing(member_client, server, fake):
    refused = _connect(member_client, fake, password="wxyz-wxyz-wxyz-wxyz")
    assert refused.status_code == 400 and b"did not accept that app password" in refused.content
    main = _connect(member_client, fake, password="my own secret password")
    assert main.status_code == 400 and b"never give your account" in main.content
    assert not ConnectedAccount.objects.exists()
    assert fake.sessions == 0


def test_a_handle_that_does_not_resolve_is_said(member_client, server, fake):
    response = _connect(member_client, fake, handle="nobody.example")
    assert response.status_code == 400 and b"No Bluesky account" in response.content


def test_a_sync_signs_in_again_and_reads_the_feed_likes_and_reposts(member_client, server, fake):
    _connect(member_client, fake)
    account = ConnectedAccount.objects.get(member=member_client.member)
    outcome = bluesky_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None))
    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    post = Post.objects.get(external_id=fake.post["uri"])
    assert (
        post.kind == "quote"
        and post.likes == 3
        and post.url.startswith("https://bsky.app/profile/test.marshal.dev/")
    )
    received = sorted(
        Interaction.objects.filter(target=account.identity).values_list("kind", "actor__handle")
    )
    assert received == [
        ("like", "divy.zone"), ("like", "jay.bsky.team"), ("like", "why.bsky.team"),
        ("repost", "bsky.app"), ("repost", "vercel.com"),
    ]  # fmt: skip
    assert fake.sessions == 3  # the connection, the sync it queued (run at once in tests), this one
    assert ConnectedAccount.objects.get(pk=account.pk).cursor["feed"]["since"]


def test_a_revoked_app_password_asks_the_member_to_reconnect(member_client, server, fake):
    _connect(member_client, fake)
    account = ConnectedAccount.objects.get(member=member_client.member)
    ConnectedAccount.objects.filter(pk=account.pk).update(access_token="wxyz-wxyz-wxyz-wxyz")
    outcome = bluesky_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None))
    account.refresh_from_db()
    assert outcome.run.status == SyncRun.Status.FAILED and account.status == ConnectedAccount.Status.REVOKED
    assert "Reconnect Bluesky" in account.last_error
