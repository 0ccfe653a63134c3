"""Connecting Mastodon: the app registered once per server, OAuth with PKCE and state, the
server's address checked before it is called."""

from __future__ import annotations

import base64
import hashlib
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.models import ConnectedAccount, ServerApp
from tests.connectors.mastodon.fake_mastodon import HOME, MEMBER, FakeMastodon
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    with FakeHTTPServer(handler=FakeMastodon()) as http:
        settings.MASTODON_INSTANCE_URL = http.url
        yield http


def _start(member_client, server, address: str = f"@mastodonpy_test@{HOME}") -> dict[str, list[str]]:
    response = member_client.post(reverse("mastodon:connect"), {"address": address})
    assert response.status_code == 302, response.content[:500]
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{server.url}/oauth/authorize"
    return parse_qs(url.query)


def test_connecting_registers_the_app_once_and_sends_the_member_with_pkce_and_state(member_client, server):
    query = _start(member_client, server)
    assert query["response_type"] == ["code"] and query["scope"] == ["read"]
    assert query["code_challenge_method"] == ["S256"] and query["state"]
    assert query["redirect_uri"] == ["http://testserver/connect/mastodon/callback/"]
    app = ServerApp.objects.get(network="mastodon", host=HOME)
    assert query["client_id"] == [app.client_id] and app.client_secret
    registered = server.requests_to("/api/v1/apps")[0]
    assert parse_qs(registered.body.decode())["scopes"] == ["read"]
    _start(member_client, server)
    assert len(server.requests_to("/api/v1/apps")) == 1  # kept for the next member of that server


def test_the_callback_exchanges_the_code_with_the_verifier_and_connects_the_account(member_client, server):
    query = _start(member_client, server)
    verifier = member_client.session["mastodon_oauth_pending"]["verifier"]
    response = member_client.get(
        reverse("mastodon:callback"), {"state": query["state"][0], "code": "the-code"}, follow=True
    )
    assert response.status_code == 200
    exchange = parse_qs(server.requests_to("/oauth/token")[0].body.decode())
    assert exchange["code"] == ["the-code"] and exchange["grant_type"] == ["authorization_code"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == [challenge] and exchange["code_verifier"] == [verifier]
    account = ConnectedAccount.objects.get(member=member_client.member)
    assert (account.network, account.server, account.identity.external_id) == ("mastodon", HOME, MEMBER)
    assert account.access_token == FakeMastodon().token["access_token"]
    assert f"Connected @{MEMBER}".encode() in response.content


def test_a_forged_or_replayed_state_connects_nothing(member_client, server):
    _start(member_client, server)
    response = member_client.get(reverse("mastodon:callback"), {"state": "forged", "code": "c"}, follow=True)
    assert b"was not started here or has expired" in response.content
    assert not server.requests_to("/oauth/token") and not ConnectedAccount.objects.exists()


def test_a_refused_code_is_said_and_connects_nothing(member_client, server):
    query = _start(member_client, server)
    server.script(FakeResponse(status=400, body={"error": "invalid_grant"}), path="/oauth/token")
    response = member_client.get(
        reverse("mastodon:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )
    assert b"Mastodon could not be connected" in response.content and b"invalid_grant" in response.content
    assert not ConnectedAccount.objects.exists()


@pytest.mark.parametrize(
    "address",
    ["alice", "@alice", "alice@localhost", "alice@10.0.0.1", "@alice@exa mple.social", "a@b@c.social"],
)
def test_an_address_that_names_no_public_server_is_refused_before_any_call(member_client, server, address):
    response = member_client.post(reverse("mastodon:connect"), {"address": address})
    assert response.status_code == 400
    assert b"Give your Mastodon address in full" in response.content
    assert not server.requests


def test_a_server_on_a_private_network_is_never_called(member_client, settings, monkeypatch):
    settings.MASTODON_INSTANCE_URL = "https://{instance}"
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    response = member_client.post(reverse("mastodon:connect"), {"address": "@alice@intranet.example"})
    assert response.status_code == 400
    assert b"intranet.example is not a public server" in response.content
    assert not ServerApp.objects.exists()


def test_a_server_that_answers_for_an_account_of_another_server_connects_nothing(member_client, server):
    query = _start(member_client, server)
    claimed = {**FakeMastodon().me, "acct": "victim@mastodon.social"}
    server.script(FakeResponse(body=claimed), path="/api/v1/accounts/verify_credentials")
    response = member_client.get(
        reverse("mastodon:callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )
    assert b"an account of another server" in response.content
    assert not ConnectedAccount.objects.exists()
