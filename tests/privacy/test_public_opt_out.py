"""Opt-out for anyone: a one-time code in the bio, read from the recorded public profiles."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from connectors.errors import ConnectorError
from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Tombstone, tombstone_digest
from connectors.records import Batch, IdentityRecord, InteractionRecord
from privacy import challenges
from privacy.challenges import optout_challenge_check, optout_challenge_start
from privacy.models import OptOutChallenge, PrivacyEvent
from privacy.profiles import profile_read
from privacy.tasks import data_exports_expire_task, optout_challenges_check_due_task
from tests.fakes.http_server import FakeHTTPServer, FakeResponse
from tests.personas import WHEN
from tests.recordings import bluesky_did_document, bluesky_profile, mastodon_account, x_user

pytestmark = pytest.mark.django_db(transaction=True)

MASTODON_URI = "https://icosahedron.website/users/halcy"
# The one form Mastodon accounts are stored and tombstoned under (connectors.records).
MASTODON_ID = "halcy@icosahedron.website"
BLUESKY_DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"


class Profiles:
    """What the fake networks answer: the recorded profiles, with a bio a test may change."""

    def __init__(self) -> None:
        self.mastodon = mastodon_account()
        self.bluesky = bluesky_profile()
        self.bluesky_did_document = bluesky_did_document()
        self.x = x_user()

    def __call__(self, request) -> FakeResponse:
        if request.path == "/api/v1/accounts/lookup" and request.param("acct") == "halcy":
            return FakeResponse(body=self.mastodon)
        if request.path == "/xrpc/com.atproto.identity.resolveHandle":
            if request.param("handle") == "test.marshal.dev":
                return FakeResponse(body={"did": BLUESKY_DID})
            return FakeResponse(status=400, body={"error": "InvalidRequest", "message": "Unable to resolve"})
        if request.path == f"/{BLUESKY_DID}":
            return FakeResponse(body=self.bluesky_did_document)
        if request.path == "/xrpc/app.bsky.actor.getProfile" and request.param("actor") == BLUESKY_DID:
            return FakeResponse(body=self.bluesky)
        if request.path == "/2/users/by/username/Twitter":
            return FakeResponse(body=self.x)
        if request.path.startswith("/xrpc/"):
            return FakeResponse(status=400, body={"error": "InvalidRequest", "message": "Profile not found"})
        if request.path.startswith("/2/users/by/username/"):
            return FakeResponse(
                body={"errors": [{"title": "Not Found Error", "detail": "Could not find user"}]}
            )
        return FakeResponse(status=404, body={"error": "Record not found"})


@pytest.fixture
def profiles():
    return Profiles()


@pytest.fixture
def server(profiles, settings):
    with FakeHTTPServer(handler=profiles) as fake:
        settings.MASTODON_INSTANCE_URL = fake.url
        settings.BLUESKY_APPVIEW_URL = fake.url
        settings.BLUESKY_PLC_DIRECTORY_URL = fake.url
        settings.X_API_BASE_URL = fake.url
        settings.X_BEARER_TOKEN = "app-bearer"
        settings.PRIVACY_PROFILE_TIMEOUT_SECONDS = 2
        yield fake


def _start(network: str, handle: str) -> OptOutChallenge:
    return optout_challenge_start(network=network, handle=handle, requester="203.0.113.9")


def _seed_identity(network: str, external_id: str) -> None:
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network=network, external_id=external_id, handle="them"),
                IdentityRecord(network=network, external_id="friend", handle="friend"),
            ],
            interactions=[
                InteractionRecord(
                    network=network,
                    kind="mention",
                    actor_id="friend",
                    target_id=external_id,
                    occurred_at=WHEN,
                )
            ],
        )
    )


# --- reading profiles ----------------------------------------------------------------------------


def test_mastodon_profile_is_read_from_the_lookup_with_the_note_as_plain_text(server):
    profile = profile_read(network="mastodon", handle="halcy@icosahedron.website")
    # The actor URI is on the server that answered, and is the same account as the address.
    assert profile.external_ids == (MASTODON_ID,)
    assert "i am exactly like all the other guys." in profile.bio
    assert "<p>" not in profile.bio
    assert server.requests_to("/api/v1/accounts/lookup")[0].param("acct") == "halcy"


def test_bluesky_profile_description_and_did_are_read(server):
    profile = profile_read(network="bluesky", handle="test.marshal.dev")
    assert profile.external_ids == (BLUESKY_DID,)
    assert profile.bio.startswith("account for tests")


def test_x_profile_is_read_with_the_app_bearer_token(server, profiles):
    profiles.x["data"]["description"] = "hello"
    profile = profile_read(network="x", handle="Twitter")
    assert profile.external_ids == ("783214",)
    assert profile.bio == "hello"
    request = server.requests_to("/2/users/by/username/Twitter")[0]
    assert request.headers["authorization"] == "Bearer app-bearer"
    assert request.param("user.fields") == "description"


@pytest.mark.parametrize(
    ("network", "handle", "message"),
    [
        (
            "mastodon",
            "nobody@icosahedron.website",
            "No Mastodon account @nobody@icosahedron.website was found",
        ),
        ("bluesky", "nobody.bsky.social", "No Bluesky account @nobody.bsky.social was found."),
        ("x", "nobody", "No X account @nobody was found."),
    ],
)
def test_an_unknown_account_says_so_and_is_not_transient(server, network, handle, message):
    with pytest.raises(ConnectorError) as caught:
        profile_read(network=network, handle=handle)
    assert message in caught.value.message
    assert caught.value.transient is False


def test_a_failing_or_garbled_api_is_transient(server):
    server.script(
        FakeResponse(status=503), FakeResponse(body="{not json"), path="/xrpc/app.bsky.actor.getProfile"
    )
    for _ in range(2):
        with pytest.raises(ConnectorError) as caught:
            profile_read(network="bluesky", handle="test.marshal.dev")
        assert caught.value.transient is True


def test_a_mastodon_server_on_a_private_address_is_refused(settings, monkeypatch):
    settings.MASTODON_INSTANCE_URL = "https://{instance}"
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.7", 443))])
    with pytest.raises(ConnectorError, match="intranet.example is not a public server"):
        profile_read(network="mastodon", handle="alice@intranet.example")


# --- starting a request ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "handle", "message"),
    [
        ("mastodon", "alice", "Give your Mastodon address in full"),
        ("mastodon", "@alice@127.0.0.1", "Give your Mastodon address in full"),
        ("bluesky", "not a handle", "Give your Bluesky handle"),
        ("x", "@far_too_long_for_x_names", "Give your X username"),
    ],
)
def test_a_malformed_handle_is_refused_with_the_expected_form(server, network, handle, message):
    with pytest.raises(ValidationError) as caught:
        _start(network, handle)
    assert message in caught.value.message_dict["handle"][0]
    assert not OptOutChallenge.objects.exists()


def test_x_bio_checks_are_refused_when_no_bearer_token_is_configured(settings):
    settings.X_BEARER_TOKEN = ""
    with pytest.raises(ValidationError) as caught:
        _start("x", "@Twitter")
    assert "X bio checks are not configured on this server." in caught.value.message_dict["network"]


def test_new_requests_are_rate_limited_per_requester(server):
    for n in range(challenges.MAX_REQUESTS_PER_HOUR):
        optout_challenge_start(network="bluesky", handle=f"user{n}.bsky.social", requester="198.51.100.1")
    with pytest.raises(ValidationError, match="Too many opt-out requests"):
        optout_challenge_start(network="bluesky", handle="one-more.bsky.social", requester="198.51.100.1")
    # Someone else is not affected.
    optout_challenge_start(network="bluesky", handle="one-more.bsky.social", requester="198.51.100.2")


def test_open_requests_per_account_are_limited_per_requester(server):
    for _ in range(challenges.MAX_PENDING_PER_HANDLE):
        optout_challenge_start(network="bluesky", handle="test.marshal.dev", requester="192.0.2.1")
    with pytest.raises(ValidationError, match="already have 3 open requests"):
        optout_challenge_start(network="bluesky", handle="test.marshal.dev", requester="192.0.2.1")
    # Someone else filling an account's requests does not keep its owner from opting out.
    optout_challenge_start(network="bluesky", handle="test.marshal.dev", requester="192.0.2.99")


def test_the_requesters_address_is_stored_only_as_a_keyed_hash(server):
    challenge = _start("bluesky", "test.marshal.dev")
    assert challenge.requester_digest and "203.0.113.9" not in challenge.requester_digest


# --- checking ----------------------------------------------------------------------------------------


def test_code_in_a_mastodon_bio_opts_the_identity_out_and_purges_it(server, profiles):
    _seed_identity("mastodon", MASTODON_URI)
    assert Identity.objects.filter(external_id=MASTODON_ID).exists()
    challenge = _start("mastodon", "@halcy@icosahedron.website")
    profiles.mastodon["note"] += f"<p>opting out: {challenge.code}</p>"
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert outcome.verified, outcome.message
    assert not Identity.objects.filter(external_id=MASTODON_ID).exists()
    assert not Interaction.objects.exists()
    assert Tombstone.objects.filter(
        digest=tombstone_digest(network="mastodon", external_id=MASTODON_ID)
    ).exists()
    challenge.refresh_from_db()
    assert challenge.status == OptOutChallenge.Status.VERIFIED
    assert challenge.handle == ""
    event = PrivacyEvent.objects.get(kind=PrivacyEvent.Kind.IDENTITY_OPT_OUT)
    assert event.subject_digest == tombstone_digest(network="mastodon", external_id=MASTODON_ID)
    assert event.counts["identities"] == 1


def test_after_a_bluesky_opt_out_a_reimport_stores_nothing_of_that_identity(server, profiles):
    challenge = _start("bluesky", "@test.marshal.dev")
    profiles.bluesky["description"] = f"{challenge.code.lower()} thanks"  # case does not matter
    assert optout_challenge_check(challenge_id=challenge.pk, manual=True).verified
    result = ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="bluesky", external_id=BLUESKY_DID, handle="test.marshal.dev"),
                IdentityRecord(network="bluesky", external_id="did:plc:someoneelse", handle="else"),
            ],
            interactions=[
                InteractionRecord(
                    network="bluesky",
                    kind="like",
                    actor_id=BLUESKY_DID,
                    target_id="did:plc:someoneelse",
                    occurred_at=WHEN,
                )
            ],
        )
    )
    assert result.identities.dropped == 1 and result.interactions.dropped == 1
    assert list(Identity.objects.values_list("external_id", flat=True)) == ["did:plc:someoneelse"]


def test_code_in_an_x_bio_opts_the_x_account_out(server, profiles):
    _seed_identity("x", "783214")
    challenge = _start("x", "@Twitter")
    profiles.x["data"]["description"] = f"Official account {challenge.code}"
    assert optout_challenge_check(challenge_id=challenge.pk, manual=True).verified
    assert not Identity.objects.filter(network="x", external_id="783214").exists()


def test_a_missing_code_says_which_code_was_not_found_and_what_the_bio_says(server):
    challenge = _start("bluesky", "test.marshal.dev")
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert not outcome.verified
    assert f"The code {challenge.code} was not found in the bio of @test.marshal.dev." in outcome.message
    assert "account for tests" in outcome.message
    assert Identity.objects.count() == 0 and not Tombstone.objects.exists()
    challenge.refresh_from_db()
    assert challenge.last_result == outcome.message


def test_a_wrong_code_names_the_code_found_and_the_one_expected(server, profiles):
    old = _start("bluesky", "test.marshal.dev")
    new = optout_challenge_start(network="bluesky", handle="test.marshal.dev", requester="203.0.113.10")
    profiles.bluesky["description"] = f"bio {old.code}"
    outcome = optout_challenge_check(challenge_id=new.pk, manual=True)
    assert not outcome.verified
    assert (
        f"has the code {old.code}, which is not this request's code. Replace it with {new.code}"
        in outcome.message
    )
    assert not Tombstone.objects.exists()


def test_an_empty_bio_says_it_is_empty(server, profiles):
    profiles.bluesky["description"] = ""
    challenge = _start("bluesky", "test.marshal.dev")
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert "the bio of @test.marshal.dev is empty" in outcome.message


def test_an_expired_code_no_longer_works(server, profiles):
    challenge = _start("bluesky", "test.marshal.dev")
    profiles.bluesky["description"] = challenge.code
    OptOutChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert not outcome.verified and "expired" in outcome.message
    assert not Tombstone.objects.exists()
    assert server.requests == []
    challenge.refresh_from_db()
    assert challenge.status == OptOutChallenge.Status.EXPIRED and challenge.handle == ""


def test_checks_are_rate_limited_by_a_pause_and_a_maximum(server):
    challenge = _start("bluesky", "test.marshal.dev")
    optout_challenge_check(challenge_id=challenge.pk, manual=True)
    again = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    profile_reads = "/xrpc/app.bsky.actor.getProfile"
    assert again.message.startswith("Please wait") and len(server.requests_to(profile_reads)) == 1
    OptOutChallenge.objects.filter(pk=challenge.pk).update(
        attempts=challenges.MAX_CHECKS, last_checked_at=None
    )
    used_up = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert f"You have used all {challenges.MAX_CHECKS} checks" in used_up.message
    assert len(server.requests_to(profile_reads)) == 1


def test_a_failing_network_does_not_use_up_an_attempt(server):
    server.script(FakeResponse(status=500), path="/xrpc/app.bsky.actor.getProfile")
    challenge = _start("bluesky", "test.marshal.dev")
    outcome = optout_challenge_check(challenge_id=challenge.pk, manual=True)
    assert "please try again in a few minutes" in outcome.message
    challenge.refresh_from_db()
    assert challenge.attempts == 0


def test_the_background_check_finds_the_code_and_backs_off_otherwise(server, profiles):
    challenge = _start("bluesky", "test.marshal.dev")
    assert optout_challenges_check_due_task() == 0  # not due yet
    OptOutChallenge.objects.filter(pk=challenge.pk).update(next_check_at=timezone.now())
    assert optout_challenges_check_due_task() == 1
    challenge.refresh_from_db()
    assert challenge.status == OptOutChallenge.Status.PENDING
    assert challenge.attempts == 0  # background checks do not count against the person
    assert challenge.next_check_at > timezone.now() + timedelta(minutes=3)
    profiles.bluesky["description"] = challenge.code
    OptOutChallenge.objects.filter(pk=challenge.pk).update(next_check_at=timezone.now())
    optout_challenges_check_due_task()
    challenge.refresh_from_db()
    assert challenge.status == OptOutChallenge.Status.VERIFIED
    assert Tombstone.objects.filter(
        digest=tombstone_digest(network="bluesky", external_id=BLUESKY_DID)
    ).exists()


def test_the_cleanup_expires_old_requests_and_forgets_their_handle(server):
    challenge = _start("bluesky", "test.marshal.dev")
    OptOutChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    data_exports_expire_task()
    challenge.refresh_from_db()
    assert challenge.status == OptOutChallenge.Status.EXPIRED and challenge.handle == ""
    OptOutChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - timedelta(days=8))
    data_exports_expire_task()
    assert not OptOutChallenge.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------


def test_public_page_gives_a_code_and_check_now_opts_out(client, server, profiles):
    page = client.get(reverse("privacy:public"))
    assert page.status_code == 200
    response = client.post(
        reverse("privacy:public"), {"network": "bluesky", "handle": "@test.marshal.dev"}, follow=True
    )
    challenge = OptOutChallenge.objects.get()
    assert challenge.code in response.content.decode()
    status_url = reverse("privacy:public_status", args=[challenge.token])
    response = client.post(status_url, follow=True)
    assert f"The code {challenge.code} was not found" in response.content.decode()
    profiles.bluesky["description"] = challenge.code
    OptOutChallenge.objects.filter(pk=challenge.pk).update(last_checked_at=None)
    response = client.post(status_url, follow=True)
    assert "Done: @test.marshal.dev is opted out." in response.content.decode()
    assert "test.marshal.dev" not in client.get(status_url).content.decode()


def test_public_page_shows_form_errors_and_keeps_the_input(client, server):
    response = client.post(reverse("privacy:public"), {"network": "mastodon", "handle": "alice"})
    body = response.content.decode()
    assert "Give your Mastodon address in full" in body
    assert 'value="alice"' in body
    assert not OptOutChallenge.objects.exists()


def test_public_page_says_x_bio_checks_are_not_configured_and_offers_x_sign_in(client, settings):
    settings.X_BEARER_TOKEN = ""
    settings.X_CLIENT_ID = ""
    body = client.get(reverse("privacy:public")).content.decode()
    assert "X bio checks are not configured on this server." in body
    assert "Sign in with X to opt out" not in body
    settings.X_CLIENT_ID = "client-id"
    body = client.get(reverse("privacy:public")).content.decode()
    assert "Sign in with X to opt out" in body


def test_an_unknown_status_link_is_a_404(client):
    assert client.get(reverse("privacy:public_status", args=["nope"])).status_code == 404


def test_check_now_reads_the_bio_in_the_worker_and_the_page_waits_for_it(
    client, server, profiles, monkeypatch, django_capture_on_commit_callbacks
):
    from privacy import tasks

    queued = []
    monkeypatch.setattr(tasks.optout_challenge_check_task, "delay", lambda *args: queued.append(args))
    challenge = _start("bluesky", "test.marshal.dev")
    profiles.bluesky["description"] = challenge.code
    status_url = reverse("privacy:public_status", args=[challenge.token])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url)

    assert queued == [(challenge.pk, True)]
    assert server.requests == []  # the web request read nothing
    waiting = client.get(status_url).content.decode()
    assert 'http-equiv="refresh"' in waiting and "Klout is reading the bio now" in waiting
    assert tasks.optout_challenge_check_task(*queued[0]) is True
    done = client.get(status_url).content.decode()
    assert "account is opted out" in done and 'http-equiv="refresh"' not in done
