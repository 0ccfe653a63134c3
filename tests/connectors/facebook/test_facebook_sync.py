"""The Facebook Page sync against the Graph API's recorded answers: the Page, its posts with their
reactions, comments and shares counts (checked by hand against the recordings), a named
comment as a reply, the cursor, and the "Connect a Facebook Page" flow."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.facebook.services import facebook_page_connect
from connectors.facebook.sync import facebook_account_sync
from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.sync import SyncPolicy
from tests.connectors.facebook.fake_facebook import PAGE_ID, FakeFacebook
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    return FakeFacebook()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        settings.META_GRAPH_BASE_URL = http.url
        settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
        yield http


@pytest.fixture
def account(server, fake):
    return facebook_page_connect(member=MemberFactory(), pages=fake.pages)


def _sync(account):
    return facebook_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None))


def test_a_sync_reads_the_page_its_posts_with_their_counts_and_named_comments(account, server, fake):
    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    page = Identity.objects.get(network="facebook", external_id=PAGE_ID)
    # single_default_page.json: 214,507,731 fans, blue_verified.
    assert (page.name, page.followers, page.verified) == ("Facebook for Developers", 214507731, True)
    posts = Post.objects.filter(author=page).exclude(kind="comment")
    assert posts.count() == 10  # the two recorded pages, five posts each
    first = posts.get(external_id="19292868552_10158349356748553")
    assert (first.kind, first.likes, first.replies, first.reposts) == ("photo", 125, 13, 10)
    assert first.url == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    reply = Interaction.objects.get(kind="reply")
    assert (reply.actor.external_id, reply.actor.name, reply.target) == ("4", "Mark Zuckerberg", page)
    assert reply.post == first
    # The comments the API names no author of are only the post's count.
    assert Post.objects.filter(kind="comment").count() == 1
    assert all(r.param("access_token") == "page-token" for r in server.requests)
    cursor = ConnectedAccount.objects.get(pk=account.pk).cursor
    assert cursor["posts"] == {"since": "2021-07-09T19:09:52+0000", "next": None, "newest": None}


def test_a_page_removed_from_the_app_asks_the_member_to_reconnect(account, server):
    expired = {
        "error": {
            "code": 190,
            "error_subcode": 460,
            "message": "The session has been invalidated",
            "type": "OAuthException",
        }
    }
    server.script(FakeResponse(status=400, body=expired), path=f"/v21.0/{PAGE_ID}")

    _sync(account)

    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.REVOKED and "Reconnect Facebook" in account.last_error


def test_connecting_a_page_keeps_the_pages_own_token(member_client, server):
    query = parse_qs(urlsplit(member_client.post(reverse("facebook:connect"))["Location"]).query)
    assert "pages_read_engagement" in query["scope"][0]
    server.script(
        FakeResponse(body={"access_token": "short"}),
        FakeResponse(body={"access_token": "long", "expires_in": 5184000}),
        path="/v21.0/oauth/access_token",
    )

    done = member_client.get(
        reverse("facebook:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )

    assert "Connected @fbdevelopers" not in done.content.decode()  # me/accounts names no username
    assert "Connected Facebook for Developers" in done.content.decode()
    account = ConnectedAccount.objects.get(member=member_client.member)
    assert (account.network, account.access_token, account.token_expires_at) == (
        "facebook",
        "page-token",
        None,
    )


def test_someone_who_manages_no_page_is_told_what_klout_reads(member_client, server, fake):
    fake.pages["data"] = []
    server.script(
        FakeResponse(body={"access_token": "a"}),
        FakeResponse(body={"access_token": "b"}),
        path="/v21.0/oauth/access_token",
    )
    query = parse_qs(urlsplit(member_client.post(reverse("facebook:connect"))["Location"]).query)

    done = member_client.get(
        reverse("facebook:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )

    assert "You manage no Facebook Page" in done.content.decode() and not ConnectedAccount.objects.exists()
