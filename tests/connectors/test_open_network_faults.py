"""The faults of every network's sync but X's (``twitter/test_x_sync.py`` has those), against
the local fake server: a 429 with the network's reset header, a 5xx, a timeout, truncated JSON,
a server that is down. Each stops the run with its cursor saved and the account still active;
the next sync completes, and nothing is lost or stored twice."""

from __future__ import annotations

import json

import pytest

from connectors.bluesky.sync import bluesky_account_sync
from connectors.mastodon.services import mastodon_account_connect
from connectors.mastodon.sync import mastodon_account_sync
from connectors.models import ConnectedAccount, Interaction, Post, SyncRun
from connectors.sync import SyncPolicy
from connectors.youtube.services import youtube_account_connect
from connectors.youtube.sync import youtube_account_sync
from tests.connectors.bluesky.fake_bluesky import APP_PASSWORD, FakeBluesky
from tests.connectors.mastodon.fake_mastodon import HOME, FakeMastodon
from tests.connectors.youtube.fake_youtube import FakeYouTube
from tests.connectors.youtube.test_youtube_sync import _tokens
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db

ATTEMPTS = 3
FAULTS = {
    "429 with the reset header": lambda reset: FakeResponse(status=429, body={}, headers=reset),
    "503": lambda reset: FakeResponse(status=503, body="Service Unavailable"),
    "timeout": lambda reset: FakeResponse(body={}, delay=1.5),
    "truncated JSON": lambda reset: FakeResponse(body='[{"id": "1", "uri": "x"', truncate=12),
}  # fmt: skip


def _faults(fault: str, reset: dict) -> list[FakeResponse]:
    # A 429 whose reset is far off stops the run at once; the others are retried in place first.
    return [FAULTS[fault](reset)] * (1 if fault.startswith("429") else ATTEMPTS)


def _policy() -> SyncPolicy:
    return SyncPolicy(attempts=ATTEMPTS, sleep=lambda seconds: None, max_wait=120)


@pytest.fixture
def quick_timeouts(settings):
    settings.PRIVACY_PROFILE_TIMEOUT_SECONDS = 0.5
    settings.PRIVACY_PROFILE_DEADLINE_SECONDS = 1.0


def _counts() -> tuple[int, int]:
    return Post.objects.count(), Interaction.objects.count()


def _stopped_then_completed(sync, account, *, clean: tuple[int, int]) -> None:
    stopped = sync(account_id=account.pk, policy=_policy())
    assert stopped.run.status == SyncRun.Status.FAILED and stopped.retry_after is not None
    assert ConnectedAccount.objects.get(pk=account.pk).status == ConnectedAccount.Status.ACTIVE
    done = sync(account_id=account.pk, policy=_policy())
    assert done.run.status == SyncRun.Status.SUCCEEDED, done.run.error
    assert _counts() == clean


@pytest.mark.parametrize("fault", list(FAULTS))
def test_mastodon_stops_on_a_fault_and_the_next_sync_completes(settings, quick_timeouts, fault):
    fake = FakeMastodon()
    with FakeHTTPServer(handler=fake) as http:
        settings.MASTODON_INSTANCE_URL = http.url
        # What a clean sync stores, measured on another account first.
        account = mastodon_account_connect(member=MemberFactory(), host=HOME, access_token="t", me=fake.me)
        assert mastodon_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        clean = _counts()
        ConnectedAccount.objects.filter(pk=account.pk).update(cursor={})
        reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2999-01-01T00:00:00Z"}
        statuses = f"/api/v1/accounts/{fake.me['id']}/statuses"
        http.script(*_faults(fault, reset), path=statuses)
        _stopped_then_completed(mastodon_account_sync, account, clean=clean)


def test_mastodon_on_a_server_that_is_down(settings, quick_timeouts):
    fake = FakeMastodon()
    with FakeHTTPServer(handler=fake) as http:
        settings.MASTODON_INSTANCE_URL = http.url
        account = mastodon_account_connect(member=MemberFactory(), host=HOME, access_token="t", me=fake.me)
        settings.MASTODON_INSTANCE_URL = "http://127.0.0.1:9"  # nothing listens there
        stopped = mastodon_account_sync(account_id=account.pk, policy=_policy())
        assert stopped.run.status == "failed" and "could not be reached" in stopped.run.error
        settings.MASTODON_INSTANCE_URL = http.url
        assert mastodon_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        assert Post.objects.filter(author=account.identity).count() == 10


@pytest.mark.parametrize("fault", list(FAULTS))
def test_bluesky_stops_on_a_fault_and_the_next_sync_completes(member_client, settings, quick_timeouts, fault):
    fake = FakeBluesky()
    with FakeHTTPServer(handler=fake) as http:
        fake.url = http.url
        settings.BLUESKY_APPVIEW_URL = settings.BLUESKY_PLC_DIRECTORY_URL = http.url
        settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
        member_client.post("/connect/bluesky/connect/", {"handle": fake.handle, "app_password": APP_PASSWORD})
        account = ConnectedAccount.objects.get(member=member_client.member)  # its first sync ran at once
        clean = _counts()
        reset = {"ratelimit-reset": "32503680000"}  # epoch seconds, as the AppView sends it
        http.script(*_faults(fault, reset), path="/xrpc/app.bsky.feed.getLikes")
        _stopped_then_completed(bluesky_account_sync, account, clean=clean)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_youtube_stops_on_a_fault_and_the_next_sync_completes(settings, fault):
    settings.YOUTUBE_API_TIMEOUT_SECONDS = 0.5
    fake = FakeYouTube()
    with FakeHTTPServer(handler=fake) as http:
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        account = youtube_account_connect(member=MemberFactory(), tokens=_tokens(), channels=fake.channel)
        assert youtube_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        clean = _counts()
        ConnectedAccount.objects.filter(pk=account.pk).update(cursor={})
        # YouTube names no reset time: a rate limit is a 429 (or a 403 rateLimitExceeded) with Retry-After.
        http.script(*_faults(fault, {"Retry-After": "100000"}), path="/youtube/v3/commentThreads")
        _stopped_then_completed(youtube_account_sync, account, clean=clean)


def test_youtube_when_google_is_unreachable(settings):
    fake = FakeYouTube()
    with FakeHTTPServer(handler=fake) as http:
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        account = youtube_account_connect(member=MemberFactory(), tokens=_tokens(), channels=fake.channel)
        settings.YOUTUBE_API_BASE_URL = "http://127.0.0.1:9/"  # nothing listens there
        stopped = youtube_account_sync(account_id=account.pk, policy=_policy())
        assert stopped.run.status == "failed" and "could not be reached" in stopped.run.error
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        assert youtube_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        assert Post.objects.filter(author=account.identity).count() == 13


@pytest.mark.parametrize("fault", list(FAULTS))
def test_foursquare_stops_on_a_fault_and_the_next_sync_completes(settings, fault):
    from connectors.foursquare.services import foursquare_account_connect
    from connectors.foursquare.sync import foursquare_account_sync
    from tests.connectors.foursquare.fake_foursquare import FakeFoursquare

    settings.FOURSQUARE_API_TIMEOUT_SECONDS = 0.5
    fake = FakeFoursquare()
    with FakeHTTPServer(handler=fake) as http:
        settings.FOURSQUARE_API_BASE_URL = http.url
        account = foursquare_account_connect(member=MemberFactory(), tokens=_tokens(), me={"user": fake.user})
        assert foursquare_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        clean = _counts()
        ConnectedAccount.objects.filter(pk=account.pk).update(cursor={})
        # Foursquare's limit: a 429 (or a 403 rate_limit_exceeded) with X-RateLimit-Reset in epoch seconds.
        http.script(*_faults(fault, {"X-RateLimit-Reset": "32503680000"}), path="/v2/users/self/checkins")
        _stopped_then_completed(foursquare_account_sync, account, clean=clean)


# Meta's usage header: minutes until the app may call again for this account.
GRAPH_USAGE = {
    "X-Business-Use-Case-Usage": json.dumps(
        {"17841406338772941": [{"type": "instagram", "estimated_time_to_regain_access": 1440}]}
    )
}


@pytest.mark.parametrize("fault", [*FAULTS, "400 with rate-limit code 17"])
def test_instagram_stops_on_a_fault_and_the_next_sync_completes(settings, fault):
    from connectors.instagram.services import instagram_account_connect
    from connectors.instagram.sync import instagram_account_sync
    from tests.connectors.instagram.fake_instagram import MEMBER_ID, FakeInstagram
    from tests.connectors.instagram.test_instagram_sync import tokens

    settings.META_API_TIMEOUT_SECONDS = 0.5
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    fake = FakeInstagram()
    with FakeHTTPServer(handler=fake) as http:
        settings.META_GRAPH_BASE_URL = http.url
        account = instagram_account_connect(member=MemberFactory(), tokens=tokens(), accounts=fake.pages)
        assert instagram_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        clean = _counts()
        ConnectedAccount.objects.filter(pk=account.pk).update(cursor={})
        if fault.startswith("400"):
            # Meta's limits come as an error code, with the usage header saying how long to wait.
            body = {"error": {"code": 17, "message": "User request limit reached", "type": "OAuthException"}}
            faults = [FakeResponse(status=400, body=body, headers=GRAPH_USAGE)]
        else:
            faults = _faults(fault, GRAPH_USAGE)
        http.script(*faults, path=f"/v21.0/{MEMBER_ID}/media")
        _stopped_then_completed(instagram_account_sync, account, clean=clean)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_facebook_stops_on_a_fault_and_the_next_sync_completes(settings, fault):
    from connectors.facebook.services import facebook_page_connect
    from connectors.facebook.sync import facebook_account_sync
    from tests.connectors.facebook.fake_facebook import PAGE_ID, FakeFacebook

    settings.META_API_TIMEOUT_SECONDS = 0.5
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    fake = FakeFacebook()
    with FakeHTTPServer(handler=fake) as http:
        settings.META_GRAPH_BASE_URL = http.url
        account = facebook_page_connect(member=MemberFactory(), pages=fake.pages)
        assert facebook_account_sync(account_id=account.pk, policy=_policy()).run.status == "succeeded"
        clean = _counts()
        ConnectedAccount.objects.filter(pk=account.pk).update(cursor={})
        http.script(*_faults(fault, GRAPH_USAGE), path=f"/v21.0/{PAGE_ID}/posts")
        _stopped_then_completed(facebook_account_sync, account, clean=clean)
