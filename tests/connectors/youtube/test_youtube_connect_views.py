"""The "Connect YouTube" flow: Google's OAuth 2.0 with PKCE and offline access, state checked,
the scope checked, the channel read from the recorded ``channels.list(mine=true)``."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.models import ConnectedAccount, Identity
from tests.connectors.youtube.fake_youtube import CHANNEL_ID, FakeYouTube
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db

SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
# The shape of Google's answer (the recorded access_token.json holds a list of scopes, as the
# client library stores them; Google's endpoint sends them space-separated).
GRANT = {
    "access_token": "ya29.a",
    "expires_in": 3599,
    "refresh_token": "1//r",
    "scope": SCOPE,
    "token_type": "Bearer",
}


@pytest.fixture
def fake():
    return FakeYouTube()


@pytest.fixture
def google(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        settings.GOOGLE_TOKEN_URL = http.url + "/token"
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "google-id", "google-secret"
        yield http


def _start(member_client) -> dict[str, list[str]]:
    response = member_client.post(reverse("youtube:connect"))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://accounts.google.com/o/oauth2/v2/auth"
    return parse_qs(url.query)


def test_without_a_google_client_the_page_tells_the_operator_what_to_set(member_client, settings):
    settings.GOOGLE_CLIENT_ID = ""

    page = member_client.get(reverse("youtube:account"))
    refused = member_client.post(reverse("youtube:connect"), follow=True)

    assert b"has not configured Google sign-in" in page.content
    assert (
        b"GOOGLE_CLIENT_SECRET" in page.content
        and b"http://testserver/connect/youtube/callback/" in page.content
    )
    assert b"operator must set GOOGLE_CLIENT_ID" in refused.content
    assert not ConnectedAccount.objects.exists()


def test_connect_sends_the_member_to_google_for_read_only_offline_access_with_pkce(member_client, google):
    query = _start(member_client)

    assert query["client_id"] == ["google-id"] and query["scope"] == [SCOPE]
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    pending = member_client.session["youtube_oauth_pending"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(pending["verifier"].encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == [challenge.decode()] and query["state"] == [pending["state"]]


def test_the_callback_connects_the_channel_and_keeps_the_tokens(member_client, google):
    google.script(FakeResponse(body=GRANT), path="/token")
    state = _start(member_client)["state"][0]

    response = member_client.get(reverse("youtube:callback"), {"state": state, "code": "4/code"}, follow=True)

    assert "Connected @googledevelopers" in response.content.decode()
    account = ConnectedAccount.objects.get()
    assert (account.network, account.access_token, account.refresh_token) == ("youtube", "ya29.a", "1//r")
    assert Identity.objects.get(external_id=CHANNEL_ID).member == member_client.member
    form = parse_qs(google.requests_to("/token")[0].body.decode())
    assert form["code_verifier"] and form["client_secret"] == ["google-secret"] and form["code"] == ["4/code"]


def test_a_grant_without_the_youtube_permission_is_refused(member_client, google):
    google.script(FakeResponse(body={**GRANT, "scope": "openid"}), path="/token")
    state = _start(member_client)["state"][0]

    response = member_client.get(reverse("youtube:callback"), {"state": state, "code": "c"}, follow=True)

    assert "left unticked" in response.content.decode()
    assert not ConnectedAccount.objects.exists() and not google.requests_to("/youtube/v3/channels")


def test_a_google_account_without_a_channel_is_told_to_make_one(member_client, google, fake):
    google.script(FakeResponse(body=GRANT), path="/token")
    fake.channel = {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}, "items": []}
    state = _start(member_client)["state"][0]

    response = member_client.get(reverse("youtube:callback"), {"state": state, "code": "c"}, follow=True)

    assert "has no YouTube channel" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_a_forged_state_is_refused_before_google_is_asked(member_client, google):
    _start(member_client)

    response = member_client.get(reverse("youtube:callback"), {"state": "forged", "code": "c"}, follow=True)

    assert b"was not started here" in response.content and not google.requests_to("/token")
