"""The "Connect X" flow: OAuth 2.0 with PKCE, state checked, tokens stored encrypted."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.models import ConnectedAccount, Identity, IdentityChange
from tests.connectors.twitter.fake_x import MEMBER_ID, FakeX
from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory
from tests.fakes.http_server import FakeHTTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_api(settings):
    with FakeHTTPServer(handler=FakeX.populated()) as server:
        settings.X_API_BASE_URL = server.url
        settings.X_CLIENT_ID = "client-id"
        settings.X_CLIENT_SECRET = "client-secret"
        yield server


def _start(member_client) -> dict[str, list[str]]:
    response = member_client.post(reverse("x:connect"))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://twitter.com/i/oauth2/authorize"
    return parse_qs(url.query)


def test_without_credentials_the_page_explains_that_the_operator_must_configure_x(member_client, settings):
    settings.X_CLIENT_ID = ""

    page = member_client.get(reverse("x:account"))
    refused = member_client.post(reverse("x:connect"), follow=True)

    assert page.status_code == 200
    assert b"the operator of this Klout has not configured it" in page.content
    assert b"X_CLIENT_ID" in page.content and b"http://testserver/connect/x/callback/" in page.content
    assert b"operator must set X_CLIENT_ID" in refused.content
    assert not ConnectedAccount.objects.exists()


def test_connect_sends_the_member_to_x_with_pkce_state_and_the_read_scopes(member_client, fake_api):
    query = _start(member_client)

    assert query["response_type"] == ["code"] and query["client_id"] == ["client-id"]
    assert query["scope"] == ["tweet.read users.read like.read follows.read offline.access"]
    assert query["redirect_uri"] == ["http://testserver/connect/x/callback/"]
    pending = member_client.session["x_oauth_pending"]
    assert query["state"] == [pending["state"]]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(pending["verifier"].encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == [challenge.decode()] and query["code_challenge_method"] == ["S256"]


def test_the_callback_stores_encrypted_tokens_links_the_identity_and_queues_a_sync(
    member_client, fake_api, django_capture_on_commit_callbacks
):
    state = _start(member_client)["state"][0]

    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.get(reverse("x:callback"), {"state": state, "code": "the-code"}, follow=True)

    assert b"Connected @alice" in response.content
    account = ConnectedAccount.objects.get()
    assert (account.member, account.status, account.access_token) == (
        member_client.member,
        ConnectedAccount.Status.ACTIVE,
        "fresh-access-1",
    )
    assert account.refresh_token == "fresh-refresh-1" and account.token_expires_at is not None
    assert Identity.objects.get(external_id=MEMBER_ID).member == member_client.member
    (grant,) = fake_api.requests_to("/2/oauth2/token")
    form = parse_qs(grant.body.decode())
    assert form["grant_type"] == ["authorization_code"] and form["code"] == ["the-code"]
    assert form["code_verifier"] and grant.headers["authorization"].startswith("Basic ")
    # The first sync, and a drain of the score's outbox, which now holds the account.
    assert len(callbacks) == 2
    identity = Identity.objects.get(external_id=MEMBER_ID)
    assert IdentityChange.objects.filter(identity_id=identity.pk).exists()
    assert "x_oauth_pending" not in member_client.session


def test_a_callback_with_a_foreign_state_is_refused_and_stores_nothing(member_client, fake_api):
    _start(member_client)

    response = member_client.get(reverse("x:callback"), {"state": "forged", "code": "c"}, follow=True)

    assert b"was not started here" in response.content
    assert not ConnectedAccount.objects.exists()
    assert not fake_api.requests_to("/2/oauth2/token")


def test_a_cancelled_authorisation_says_so(member_client, fake_api):
    state = _start(member_client)["state"][0]

    response = member_client.get(
        reverse("x:callback"), {"state": state, "error": "access_denied"}, follow=True
    )

    assert b"authorisation was cancelled" in response.content
    assert not ConnectedAccount.objects.exists()


def test_an_x_account_already_connected_by_someone_else_is_refused(member_client, fake_api, client):
    other = MemberFactory()
    identity = Identity.objects.create(network="x", external_id=MEMBER_ID, handle="alice", member=other)
    ConnectedAccount.objects.create(member=other, identity=identity, network="x", access_token="t")
    state = _start(member_client)["state"][0]

    response = member_client.get(reverse("x:callback"), {"state": state, "code": "c"}, follow=True)

    assert b"already connected to another Klout member" in response.content
    assert list(ConnectedAccount.objects.values_list("member", flat=True)) == [other.pk]


def test_signing_in_with_x_takes_over_an_account_someone_only_claimed_with_an_archive(
    member_client, fake_api
):
    claimant = MemberFactory()
    Identity.objects.create(network="x", external_id=MEMBER_ID, handle="alice", member=claimant)
    state = _start(member_client)["state"][0]

    member_client.get(reverse("x:callback"), {"state": state, "code": "c"}, follow=True)

    assert Identity.objects.get(external_id=MEMBER_ID).member == member_client.member
    assert ConnectedAccount.objects.get().member == member_client.member


def test_a_non_member_cannot_start_connecting(client, fake_api):
    user = UserFactory()
    client.login(email=user.email, password=DEFAULT_PASSWORD)

    response = client.post(reverse("x:connect"), follow=True)

    assert b"Only influencer accounts" in response.content


def test_a_member_who_opted_out_cannot_connect_x(member_client, fake_api):
    from django.utils import timezone

    from accounts.models import Member

    state = _start(member_client)["state"][0]
    Member.objects.filter(pk=member_client.member.pk).update(opted_out_at=timezone.now())

    response = member_client.get(reverse("x:callback"), {"state": state, "code": "c"}, follow=True)

    assert b"You opted out of tracking" in response.content
    assert not ConnectedAccount.objects.exists()
    assert not Identity.objects.filter(member=member_client.member).exists()
