"""A proof of control covers only what it proves: forged answers cannot opt someone else out.

The attacks are replayed against the local fake server, standing for several hosts at once: a
name resolver maps every host name to it, and the fake answers by the Host header.
"""

from __future__ import annotations

import socket

import pytest

from connectors.errors import ConnectorError
from connectors.ingest import ingest_batch
from connectors.models import Identity, Tombstone, tombstone_digest
from connectors.records import Batch, IdentityRecord
from privacy.challenges import optout_challenge_check, optout_challenge_start
from privacy.models import OptOutChallenge
from privacy.profiles import profile_read
from tests.fakes.http_server import FakeHTTPServer, FakeResponse
from tests.recordings import bluesky_did_document, bluesky_profile, mastodon_account, x_user

pytestmark = pytest.mark.django_db(transaction=True)

VICTIM_ACTOR = "https://mastodon.social/users/victim"


class Hosts:
    """Answers of several Mastodon servers, chosen by the Host header of each request."""

    def __init__(self) -> None:
        self.accounts: dict[tuple[str, str], dict] = {}
        self.webfinger: dict[tuple[str, str], dict] = {}

    def account(self, host: str, username: str, *, uri: str, note: str) -> None:
        body = mastodon_account()
        body.update(username=username, acct=username, uri=uri, note=note, fields=[])
        self.accounts[(host, username)] = body

    def __call__(self, request) -> FakeResponse:
        host = request.headers["host"].split(":")[0]
        if request.path == "/api/v1/accounts/lookup":
            found = self.accounts.get((host, request.param("acct")))
            return (
                FakeResponse(body=found) if found else FakeResponse(status=404, body={"error": "Not found"})
            )
        if request.path == "/.well-known/webfinger":
            found = self.webfinger.get((host, request.param("resource")))
            return FakeResponse(body=found) if found else FakeResponse(status=404)
        return FakeResponse(status=404)


@pytest.fixture
def hosts(settings, monkeypatch):
    handler = Hosts()
    with FakeHTTPServer(handler=handler) as fake:
        port = fake.url.rsplit(":", 1)[1]
        settings.MASTODON_INSTANCE_URL = f"http://{{instance}}:{port}"
        # Every host name is this machine, where the fake listens: only tests allow that.
        settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
        monkeypatch.setattr(
            socket, "getaddrinfo", lambda host, p, *a, **k: [(2, 1, 6, "", ("127.0.0.1", int(p)))]
        )
        handler.fake = fake
        yield handler


def _stored(network: str, external_id: str, handle: str) -> None:
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network=network, external_id=external_id, handle=handle)])
    )


def _tombstoned(network: str, external_id: str) -> bool:
    return Tombstone.objects.filter(
        digest=tombstone_digest(network=network, external_id=external_id)
    ).exists()


def test_a_server_naming_someone_elses_actor_cannot_opt_that_account_out(hosts):
    _stored("mastodon", VICTIM_ACTOR, "victim")
    challenge = optout_challenge_start(network="mastodon", handle="@attacker@evil.example", requester="")
    # The attacker's own server answers the lookup with the victim's actor URI, and the code.
    hosts.account("evil.example", "attacker", uri=VICTIM_ACTOR, note=f"<p>{challenge.code}</p>")
    hosts.account("mastodon.social", "victim", uri=VICTIM_ACTOR, note="<p>just me</p>")

    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)

    assert not outcome.verified
    assert "could not be confirmed" in outcome.message and "mastodon.social" in outcome.message
    assert Identity.objects.filter(network="mastodon", external_id="victim@mastodon.social").exists()
    assert not _tombstoned("mastodon", "victim@mastodon.social")
    assert not Tombstone.objects.exists()
    # The victim's server was asked, by WebFinger, whether it knows the actor by that address.
    asked = hosts.fake.requests_to("/.well-known/webfinger")
    assert [r.param("resource") for r in asked] == ["acct:attacker@evil.example"]
    assert OptOutChallenge.objects.get().status == OptOutChallenge.Status.PENDING


def test_a_webfinger_that_vouches_is_not_enough_if_the_bio_is_not_on_the_actors_server(hosts):
    """Even a confirming WebFinger only moves the check: the bio is read where the actor lives."""
    challenge = optout_challenge_start(network="mastodon", handle="alice@example.com", requester="")
    hosts.account("example.com", "alice", uri="https://social.example.com/users/alice", note=challenge.code)
    hosts.account("social.example.com", "alice", uri="https://social.example.com/users/alice", note="no code")
    hosts.webfinger[("social.example.com", "acct:alice@example.com")] = {
        "subject": "acct:alice@example.com",
        "links": [
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": "https://social.example.com/users/alice",
            }
        ],
    }
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert not outcome.verified
    assert f"The code {challenge.code} was not found" in outcome.message


def test_an_address_whose_domain_delegates_to_another_host_is_confirmed_there(hosts):
    """alice@example.com served by social.example.com (Mastodon's WEB_DOMAIN): a real setup."""
    _stored("mastodon", "https://social.example.com/users/alice", "alice")
    challenge = optout_challenge_start(network="mastodon", handle="alice@example.com", requester="")
    for host in ("example.com", "social.example.com"):
        hosts.account(host, "alice", uri="https://social.example.com/users/alice", note=challenge.code)
    hosts.webfinger[("social.example.com", "acct:alice@example.com")] = {
        "subject": "acct:alice@example.com",
        "links": [
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": "https://social.example.com/users/alice",
            }
        ],
    }

    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)

    assert outcome.verified, outcome.message
    assert _tombstoned("mastodon", "alice@example.com")
    assert _tombstoned("mastodon", "alice@social.example.com")
    assert not Identity.objects.exists()


def test_an_actor_on_the_server_that_answered_is_accepted_without_more_questions(hosts):
    challenge = optout_challenge_start(network="mastodon", handle="bob@small.example", requester="")
    hosts.account("small.example", "bob", uri="https://small.example/users/bob", note=challenge.code)
    assert optout_challenge_check(challenge_id=challenge.pk, manual=True).verified
    assert _tombstoned("mastodon", "bob@small.example")
    assert hosts.fake.requests_to("/.well-known/webfinger") == []


# --- Bluesky: the handle and the DID must name each other --------------------------------------


class AppView:
    def __init__(self) -> None:
        self.resolved: dict[str, str] = {"test.marshal.dev": "did:plc:kvwvcn5iqfooopmyzvb4qzba"}
        self.document = bluesky_did_document()
        self.profile = bluesky_profile()

    def __call__(self, request) -> FakeResponse:
        if request.path == "/xrpc/com.atproto.identity.resolveHandle":
            did = self.resolved.get(request.param("handle"))
            return FakeResponse(body={"did": did}) if did else FakeResponse(status=400, body={"error": "x"})
        if request.path == f"/{self.document['id']}":
            return FakeResponse(body=self.document)
        if request.path == "/xrpc/app.bsky.actor.getProfile":
            return FakeResponse(body=self.profile)
        return FakeResponse(status=404)


@pytest.fixture
def appview(settings):
    handler = AppView()
    with FakeHTTPServer(handler=handler) as fake:
        settings.BLUESKY_APPVIEW_URL = fake.url
        settings.BLUESKY_PLC_DIRECTORY_URL = fake.url
        yield handler


def test_a_handle_pointing_at_a_did_that_does_not_name_it_back_is_refused(appview):
    appview.resolved["attacker.example"] = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
    appview.profile["description"] = "KLOUT-ABCDEFGH"
    with pytest.raises(ConnectorError, match="whose record does not name it back"):
        profile_read(network="bluesky", handle="attacker.example")


def test_a_profile_answer_for_another_did_is_not_taken(appview):
    appview.profile["did"] = "did:plc:someoneelse"
    with pytest.raises(ConnectorError, match="another account"):
        profile_read(network="bluesky", handle="test.marshal.dev")


def test_a_handle_and_did_that_name_each_other_are_accepted(appview):
    profile = profile_read(network="bluesky", handle="test.marshal.dev")
    assert profile.external_ids == ("did:plc:kvwvcn5iqfooopmyzvb4qzba",)


# --- X ---------------------------------------------------------------------------------------------


def test_an_x_answer_for_another_username_is_not_taken(settings):
    answer = x_user()
    answer["data"]["username"] = "SomeoneElse"
    with FakeHTTPServer(handler=lambda request: FakeResponse(body=answer)) as fake:
        settings.X_API_BASE_URL = fake.url
        settings.X_BEARER_TOKEN = "app-bearer"
        with pytest.raises(ConnectorError, match="another account than @Twitter"):
            profile_read(network="x", handle="Twitter")


@pytest.mark.parametrize(
    "actor",
    [
        "https://evil.example/@victim@mastodon.social",
        "https://evil.example/web/@victim@mastodon.social",
        "https://evil.example/@victim@mastodon.social/with_replies",
    ],
)
def test_an_actor_address_on_the_answering_server_naming_another_servers_account_proves_nothing(hosts, actor):
    _stored("mastodon", "victim@mastodon.social", "victim")
    challenge = optout_challenge_start(network="mastodon", handle="attacker@evil.example", requester="")
    hosts.account("evil.example", "attacker", uri=actor, note=challenge.code)

    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)

    # The attacker opted out their own address, nothing more.
    assert outcome.verified
    assert _tombstoned("mastodon", "attacker@evil.example")
    assert not _tombstoned("mastodon", "victim@mastodon.social")
    assert Identity.objects.filter(external_id="victim@mastodon.social").exists()
