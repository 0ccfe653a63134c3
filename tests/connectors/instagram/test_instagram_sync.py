"""The Instagram sync against the Graph API's recorded answers: what it stores (checked by hand
against the recordings), its cursor, the long-lived token renewed, the error codes, and the
"Connect Instagram" flow."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.instagram.services import instagram_account_connect
from connectors.instagram.sync import instagram_account_sync
from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.oauth2 import Tokens
from connectors.sync import SyncPolicy
from tests.connectors.instagram.fake_instagram import COMMENTED, MEMBER_ID, FakeInstagram, recorded
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db


def tokens(**changes) -> Tokens:
    values = {
        "access_token": "EAAG-long",
        "refresh_token": "",
        "expires_at": timezone.now() + timedelta(days=50),
        "scopes": "",
    }
    return Tokens(**{**values, **changes})


@pytest.fixture
def fake():
    return FakeInstagram()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        settings.META_GRAPH_BASE_URL = http.url
        settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
        yield http


@pytest.fixture
def account(server, fake):
    return instagram_account_connect(member=MemberFactory(), tokens=tokens(), accounts=fake.pages)


def _sync(account):
    return instagram_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None))


def test_a_sync_reads_the_account_its_media_the_comments_replies_and_tags(account, server):
    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    member = Identity.objects.get(network="instagram", external_id=MEMBER_ID)
    assert (member.handle, member.followers, member.posts_count) == ("ikroskun", 64363, 427)
    media = Post.objects.filter(author=member).exclude(kind="comment")
    assert media.count() == 4  # the two recorded pages, two media each
    album = media.get(external_id="17896129349106152")
    assert (album.kind, album.text, album.likes, album.replies) == ("photo", "ALBUM", 1, 0)
    commented = media.get(external_id=COMMENTED)
    assert (commented.likes, commented.replies) == (2, 6)  # the post's public counts
    # lixiangguodu123 commented: a reply to the member; the member answered in the thread.
    reply = Interaction.objects.get(actor__external_id="lixiangguodu123")
    assert (reply.kind, reply.target, reply.post) == ("reply", member, commented)
    answer = Interaction.objects.get(actor=member, kind="reply")
    assert answer.target.external_id == "lixiangguodu123" and answer.post.external_id == "17858154961981086"
    assert Post.objects.get(external_id="17847314687296283").text == "@lixiangguodu123 nihao"
    # The member's own comment on their medium is theirs, and no reaction.
    assert Post.objects.get(external_id="17892250648466172").author == member
    mention = Interaction.objects.get(kind="mention")
    assert (mention.actor.external_id, mention.target) == ("facebookfordevelopers", member)
    every = server.requests
    assert all(
        r.param("access_token") == "EAAG-long" and len(r.param("appsecret_proof") or "") == 64 for r in every
    )
    cursor = ConnectedAccount.objects.get(pk=account.pk).cursor
    newest = server.handler.moved("2021-08-13T08:25:28+0000")  # the first recorded medium
    assert cursor["media"] == {"since": newest, "next": None, "newest": None}


def test_the_next_sync_stops_at_the_media_it_has(account, server):
    _sync(account)
    server.requests.clear()

    assert _sync(account).run.status == SyncRun.Status.SUCCEEDED
    assert len(server.requests_to("/v21.0/17841406338772941/media")) == 1


def test_a_token_with_less_than_a_week_left_is_renewed_first(account, server):
    ConnectedAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + timedelta(days=3))
    server.script(
        FakeResponse(body={"access_token": "EAAG-new", "token_type": "bearer", "expires_in": 5184000}),
        path="/v21.0/oauth/access_token",
    )

    assert _sync(account).run.status == SyncRun.Status.SUCCEEDED

    form = parse_qs(server.requests_to("/v21.0/oauth/access_token")[0].body.decode())
    assert form["grant_type"] == ["fb_exchange_token"] and form["fb_exchange_token"] == ["EAAG-long"]
    account.refresh_from_db()
    assert account.access_token == "EAAG-new" and account.token_expires_at > timezone.now() + timedelta(
        days=59
    )


@pytest.mark.parametrize(
    ("error", "revoked"),
    [({"code": 190, "error_subcode": 463, "message": "Session has expired"}, True),
     ({"code": 10, "message": "Application does not have permission for this action"}, True),
     ({"code": 100, "message": "Unsupported get request."}, False)],
)  # fmt: skip
def test_graph_error_codes_are_told_apart(account, server, error, revoked):
    server.script(
        FakeResponse(status=400, body={"error": {**error, "type": "OAuthException"}}),
        path=f"/v21.0/{MEMBER_ID}",
    )

    stopped = _sync(account)

    account.refresh_from_db()
    assert stopped.run.status == SyncRun.Status.FAILED and stopped.retry_after is None
    assert account.status == (ConnectedAccount.Status.REVOKED if revoked else ConnectedAccount.Status.ERROR)


def test_connecting_instagram_goes_through_facebook_login_and_keeps_a_long_lived_token(member_client, server):
    response = member_client.post(reverse("instagram:connect"))
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.facebook.com/v21.0/dialog/oauth"
    query = parse_qs(url.query)
    assert "instagram_basic" in query["scope"][0] and query["code_challenge_method"] == ["S256"]
    short = recorded("base/long_term_token.json") | {"access_token": "EAAG-short", "expires_in": 3600}
    server.script(
        FakeResponse(body=short),
        FakeResponse(body=recorded("base/long_term_token.json")),
        path="/v21.0/oauth/access_token",
    )

    done = member_client.get(
        reverse("instagram:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )

    assert "Connected @ikroskun" in done.content.decode()
    account = ConnectedAccount.objects.get(member=member_client.member)
    # long_term_token.json: "token", good for 5,184,000 seconds (sixty days).
    assert account.access_token == "token" and account.token_expires_at > timezone.now() + timedelta(days=59)
    exchange = [parse_qs(r.body.decode()) for r in server.requests_to("/v21.0/oauth/access_token")]
    assert exchange[0]["code"] == ["c"] and exchange[1]["fb_exchange_token"] == ["EAAG-short"]


def test_a_facebook_account_without_an_instagram_professional_account_is_told_what_to_do(
    member_client, server, fake
):
    del fake.pages["data"][0]["instagram_business_account"]
    server.script(
        FakeResponse(body={"access_token": "a"}),
        FakeResponse(body={"access_token": "b"}),
        path="/v21.0/oauth/access_token",
    )
    query = parse_qs(urlsplit(member_client.post(reverse("instagram:connect"))["Location"]).query)

    done = member_client.get(
        reverse("instagram:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )

    assert "business or creator account" in done.content.decode() and not ConnectedAccount.objects.exists()
