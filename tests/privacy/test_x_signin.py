"""Opt-out for anyone on X by signing in with X (the OAuth sign-in is the proof)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.models import Identity, Tombstone, tombstone_digest
from tests.fakes.http_server import FakeHTTPServer, FakeResponse
from tests.recordings import x_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def x_server(settings):
    with FakeHTTPServer() as fake:
        settings.X_API_BASE_URL = fake.url
        settings.X_CLIENT_ID = "client-id"
        settings.X_BEARER_TOKEN = ""
        yield fake


def _start(client) -> str:
    response = client.post(reverse("privacy:public_x_start"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["redirect_uri"] == ["http://testserver/privacy/opt-out/x/callback/"]
    return query["state"][0]


def test_signing_in_with_x_opts_that_account_out(client, x_server):
    from connectors.ingest import ingest_batch
    from connectors.records import Batch, IdentityRecord

    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="783214", handle="Twitter")])
    )
    x_server.script(FakeResponse(body={"access_token": "t", "token_type": "bearer"}), path="/2/oauth2/token")
    x_server.script(FakeResponse(body=x_user()), path="/2/users/me")
    state = _start(client)
    response = client.get(reverse("privacy:public_x_callback"), {"state": state, "code": "c"}, follow=True)
    assert "Done: @Twitter on X is opted out." in response.content.decode()
    assert not Identity.objects.exists()
    assert Tombstone.objects.filter(digest=tombstone_digest(network="x", external_id="783214")).exists()


def test_a_callback_with_a_forged_state_opts_nothing_out(client, x_server):
    _start(client)
    response = client.get(reverse("privacy:public_x_callback"), {"state": "forged", "code": "c"}, follow=True)
    assert "was not started here or has expired" in response.content.decode()
    assert not Tombstone.objects.exists()
    assert x_server.requests == []


def test_x_refusing_the_sign_in_opts_nothing_out(client, x_server):
    x_server.script(FakeResponse(status=400, body={"error": "invalid_grant"}), path="/2/oauth2/token")
    state = _start(client)
    response = client.get(reverse("privacy:public_x_callback"), {"state": state, "code": "c"}, follow=True)
    assert "Nothing was opted out: X refused the authorisation (invalid_grant)" in response.content.decode()
    assert not Tombstone.objects.exists()


def test_x_sign_in_is_refused_when_x_is_not_configured(client, settings):
    settings.X_CLIENT_ID = ""
    response = client.post(reverse("privacy:public_x_start"), follow=True)
    assert "Signing in with X is not configured on this server." in response.content.decode()
