"""The Foursquare sync against a fake API answering with the real recorded Swarm check-in:
what it stores (checked by hand against the recording), its cursor, a revoked token, and the
"Connect Foursquare" flow."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.foursquare.services import foursquare_account_connect
from connectors.foursquare.sync import REREAD_SECONDS, foursquare_account_sync
from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.oauth2 import Tokens
from connectors.sync import SyncPolicy
from tests.connectors.foursquare.fake_foursquare import MEMBER_ID, FakeFoursquare, envelope
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db

TOKENS = Tokens(access_token="fsq-token", refresh_token="", expires_at=None, scopes="")


@pytest.fixture
def fake():
    return FakeFoursquare()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        settings.FOURSQUARE_API_BASE_URL = http.url
        settings.FOURSQUARE_TOKEN_URL = http.url + "/oauth2/access_token"
        settings.FOURSQUARE_CLIENT_ID, settings.FOURSQUARE_CLIENT_SECRET = "fsq-id", "fsq-secret"
        yield http


@pytest.fixture
def account(server, fake):
    return foursquare_account_connect(
        member=MemberFactory(), tokens=TOKENS, me=envelope({"user": fake.user})["response"]
    )


def _sync(account):
    return foursquare_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None))


def test_a_sync_reads_the_checkin_who_liked_it_whom_the_member_was_with_and_the_tip(account, server, fake):
    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    member = Identity.objects.get(network="foursquare", external_id=MEMBER_ID)
    assert (member.name, member.followers) == ("Simon Willison", 412)
    checkin = Post.objects.get(external_id="592b2cfe09e28339ac543fde")
    assert checkin.kind == "check-in" and checkin.author == member
    assert checkin.text == "at Restaurant Name \u2014 7th wedding anniversary \u2014 with Natalie"
    assert (checkin.likes, checkin.replies) == (3, 1)  # likes.count and comments.count
    likes = Interaction.objects.filter(kind="like", target=member, post=checkin)
    assert sorted(likes.values_list("actor__external_id", flat=True)) == ["314", "323", "778"]
    assert Identity.objects.get(external_id="314").name == "J T"
    mention = Interaction.objects.get(kind="mention")
    assert (mention.actor, mention.target.external_id, mention.target.name) == (
        member,
        "900",
        "Natalie Downe",
    )
    tip = Post.objects.get(kind="review")
    assert tip.external_id == "tip:58994045668af77dae50b376" and tip.text.startswith(
        "The samosa chaat appetizer"
    )
    assert all(r.param("oauth_token") == "fsq-token" and r.param("v") for r in server.requests)
    assert ConnectedAccount.objects.get(pk=account.pk).cursor["checkins_after"] == fake.checkin["createdAt"]


def test_the_next_sync_reads_from_a_week_before_the_newest_checkin(account, server, fake):
    _sync(account)
    counts = (Post.objects.count(), Interaction.objects.count())
    server.requests.clear()

    assert _sync(account).run.status == SyncRun.Status.SUCCEEDED
    (page,) = server.requests_to("/v2/users/self/checkins")
    assert int(page.param("afterTimestamp")) == fake.checkin["createdAt"] - REREAD_SECONDS
    assert (Post.objects.count(), Interaction.objects.count()) == counts


def test_a_revoked_token_marks_the_account_to_reconnect(account, server):
    server.script(
        FakeResponse(
            status=401,
            body={
                "meta": {
                    "code": 401,
                    "errorType": "invalid_auth",
                    "errorDetail": "OAuth token invalid or revoked.",
                }
            },
        ),
        path="/v2/users/self",
    )

    _sync(account)

    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.REVOKED and "Reconnect Foursquare" in account.last_error


def test_connecting_foursquare_signs_in_and_reads_the_account(member_client, server):
    response = member_client.post(reverse("foursquare:connect"))
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://foursquare.com/oauth2/authenticate"
    query = parse_qs(url.query)
    assert query["client_id"] == ["fsq-id"] and query["redirect_uri"] == [
        "http://testserver/connect/foursquare/callback/"
    ]
    server.script(FakeResponse(body={"access_token": "fsq-token"}), path="/oauth2/access_token")

    done = member_client.get(
        reverse("foursquare:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )

    assert "Connected Simon Willison" in done.content.decode()
    account = ConnectedAccount.objects.get(member=member_client.member)
    assert (account.network, account.access_token, account.identity.external_id) == (
        "foursquare",
        "fsq-token",
        MEMBER_ID,
    )
    form = parse_qs(server.requests_to("/oauth2/access_token")[0].body.decode())
    assert form["client_secret"] == ["fsq-secret"] and form["code"] == ["c"]
