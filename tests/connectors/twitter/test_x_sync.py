"""The periodic X sync against a local fake API: clean runs, every fault, resumption, claims."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.sync import SyncPolicy, account_claim
from connectors.twitter.client import XClient
from connectors.twitter.oauth import Tokens
from connectors.twitter.services import x_account_connect
from connectors.twitter.sync import x_account_sync
from tests.connectors.twitter.fake_x import MEMBER_ID, FakeX
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse, RecordedRequest

pytestmark = pytest.mark.django_db

TWEETS = f"/2/users/{MEMBER_ID}/tweets"
# What the populated fake holds: 5 posts, 3 mentions, 3 likes and 1 repost of the newest post.
EXPECTED = {"posts": 8, "interactions": 3 + 3 + 1}


@pytest.fixture
def fake_x():
    return FakeX.populated()


@pytest.fixture
def server(fake_x, settings):
    with FakeHTTPServer(handler=fake_x) as fake:
        settings.X_API_BASE_URL = fake.url
        settings.X_CLIENT_ID = "client-id"
        settings.X_CLIENT_SECRET = ""
        yield fake


@pytest.fixture
def account(server, fake_x) -> ConnectedAccount:
    tokens = Tokens(
        access_token="access-1",
        refresh_token="refresh-1",
        expires_at=timezone.now() + timedelta(hours=2),
        scopes="tweet.read users.read like.read follows.read offline.access",
    )
    profile = {"data": fake_x.user(MEMBER_ID, "alice", followers=100)}
    return x_account_connect(member=MemberFactory(), tokens=tokens, profile=profile)


class Sleeper:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _sync(account, server, **policy):
    sleeper = policy.pop("sleep", Sleeper())
    outcome = x_account_sync(
        account_id=account.pk,
        policy=SyncPolicy(sleep=sleeper, **policy),
        client_factory=lambda token: XClient(access_token=token, base_url=server.url, timeout=(0.5, 0.3)),
    )
    return outcome, sleeper


def _stored() -> dict[str, int]:
    return {"posts": Post.objects.count(), "interactions": Interaction.objects.count()}


def test_a_clean_sync_stores_posts_mentions_and_engagement_and_records_the_run(account, server, fake_x):
    outcome, sleeper = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    assert _stored() == EXPECTED
    assert Interaction.objects.filter(kind="like", target__external_id=MEMBER_ID).count() == 3
    assert Interaction.objects.filter(kind="mention", target__external_id=MEMBER_ID).count() == 3
    assert Identity.objects.get(external_id=MEMBER_ID).followers == 120  # the profile as now read
    assert outcome.run.stats["posts"] == 8 and outcome.run.stats["interactions"] == 7
    assert outcome.run.stats["requests"] > 0 and sleeper.waits == []
    account.refresh_from_db()
    assert account.last_synced_at is not None and account.last_error == ""
    assert "lease" not in account.cursor
    assert (
        account.cursor["tweets"]["since_id"] == FakeX.populated().tweets[0]["id"]
        or account.cursor["tweets"]["since_id"]
    )


def test_the_next_sync_asks_only_for_what_is_new_and_duplicates_nothing(account, server, fake_x):
    _sync(account, server)
    newest = fake_x.tweets[0]["id"]
    fake_x.add_tweet(1, "fresh")
    server.requests.clear()

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    assert [r.param("since_id") for r in server.requests_to(TWEETS)] == [newest]
    assert _stored() == {"posts": EXPECTED["posts"] + 1, "interactions": EXPECTED["interactions"]}


def test_429_waits_for_the_reset_then_completes(account, server):
    server.script(
        FakeResponse(
            status=429, headers={"x-rate-limit-reset": str(int(time.time()) + 7)}, body={"title": "Too Many"}
        ),
        path=TWEETS,
    )

    outcome, sleeper = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    assert len(sleeper.waits) == 1 and 6 <= sleeper.waits[0] <= 8.5
    assert _stored() == EXPECTED


def _first_tweets_page(fake_x: FakeX) -> FakeResponse:
    """What the fake answers to the first timeline request, to script a fault right after it."""
    return fake_x(RecordedRequest(method="GET", path=TWEETS, query={}, headers={}, body=b""))


def test_a_rate_limit_longer_than_the_run_may_wait_stops_with_the_cursor_and_resumes_later(
    account, server, fake_x
):
    # Page 1 of the timeline is stored, then X says "come back in 15 minutes".
    reset = str(int(time.time()) + 900)
    server.script(
        _first_tweets_page(fake_x),
        FakeResponse(status=429, headers={"x-rate-limit-reset": reset}),
        path=TWEETS,
    )

    first, sleeper = _sync(account, server, max_wait=60)

    assert first.run.status == SyncRun.Status.FAILED
    assert sleeper.waits == []  # not worth holding a worker for: handed back to the task
    assert 890 <= first.retry_after <= 900
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.ACTIVE
    assert "temporary X failure" in account.last_error
    assert "lease" not in account.cursor
    assert account.cursor["tweets"]["next"] == "p2"
    assert Post.objects.count() == 2

    second, _ = _sync(account, server, max_wait=60)

    assert second.run.status == SyncRun.Status.SUCCEEDED
    assert _stored() == EXPECTED


def test_server_errors_back_off_a_bounded_number_of_times_then_resume_from_the_next_page(
    account, server, fake_x
):
    server.script(
        _first_tweets_page(fake_x), *[FakeResponse(status=503, body="over capacity")] * 3, path=TWEETS
    )

    first, sleeper = _sync(account, server, attempts=3)

    assert first.run.status == SyncRun.Status.FAILED
    assert "503" in first.run.error
    assert sleeper.waits == [2.0, 4.0]  # backed off twice, then gave up on the third failure
    account.refresh_from_db()
    assert account.cursor["tweets"]["next"] == "p2"
    assert Post.objects.count() == 2

    server.requests.clear()
    second, _ = _sync(account, server, attempts=3)

    assert second.run.status == SyncRun.Status.SUCCEEDED
    assert server.requests_to(TWEETS)[0].param("pagination_token") == "p2"
    assert _stored() == EXPECTED


def test_timeouts_and_truncated_json_are_retried_and_lose_nothing(account, server, fake_x):
    first_page = _first_tweets_page(fake_x)
    server.script(
        FakeResponse(body=first_page.body, delay=1.0),  # longer than the client's 0.3 s read timeout
        FakeResponse(body=first_page.body, truncate=25),
        FakeResponse(body=first_page.body, truncate=25, short_read=True),
        path=TWEETS,
    )

    outcome, sleeper = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    assert len(sleeper.waits) == 3
    assert _stored() == EXPECTED


def test_a_revoked_token_marks_the_account_revoked_and_stops_syncing_until_reconnected(
    account, server, fake_x
):
    body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    # Access token rejected, and the refresh token too: the member revoked the app.
    server.script(FakeResponse(status=401, body=body), path="/2/users/me")
    server.script(
        FakeResponse(
            status=400,
            body={"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
        ),
        path="/2/oauth2/token",
    )

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.FAILED
    assert outcome.retry_after is None
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.REVOKED
    assert "Reconnect X" in account.last_error and "@alice" in account.last_error
    assert _stored() == {"posts": 0, "interactions": 0}

    assert x_account_sync(account_id=account.pk).run is None  # a revoked account is not synced

    tokens = Tokens(access_token="access-2", refresh_token="refresh-2", expires_at=None, scopes="")
    x_account_connect(member=account.member, tokens=tokens, profile={"data": fake_x.user(MEMBER_ID, "alice")})
    again, _ = _sync(account, server)
    assert again.run.status == SyncRun.Status.SUCCEEDED
    assert _stored() == EXPECTED


def test_an_access_token_rejected_before_its_expiry_is_refreshed_once_and_the_sync_goes_on(account, server):
    server.script(FakeResponse(status=401, body={"detail": "Unauthorized"}), path="/2/users/me")

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    account.refresh_from_db()
    assert (account.access_token, account.refresh_token) == ("fresh-access-1", "fresh-refresh-1")
    assert server.requests_to("/2/users/me")[-1].headers["authorization"] == "Bearer fresh-access-1"


def test_an_expired_token_is_refreshed_first_and_stored_encrypted(account, server):
    ConnectedAccount.objects.filter(pk=account.pk).update(
        token_expires_at=timezone.now() - timedelta(minutes=1)
    )

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    (grant,) = server.requests_to("/2/oauth2/token")
    assert b"grant_type=refresh_token" in grant.body and b"refresh_token=refresh-1" in grant.body
    raw = ConnectedAccount.objects.filter(pk=account.pk).values_list("access_token", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM connectors_connectedaccount WHERE id = %s", [account.pk])
        (stored,) = cursor.fetchone()
    assert "fresh-access-1" not in stored
    assert list(raw) == ["fresh-access-1"]


def test_two_syncs_of_one_account_cannot_run_at_once(account, server):
    lease = account_claim(account_id=account.pk, network="x")
    assert lease is not None

    assert account_claim(account_id=account.pk, network="x") is None
    outcome, _ = _sync(account, server)
    assert outcome.run is None
    assert not server.requests


def test_a_claim_left_by_a_dead_worker_expires(account, server):
    assert account_claim(account_id=account.pk, network="x") is not None
    cursor = ConnectedAccount.objects.get(pk=account.pk).cursor
    cursor["lease"]["until"] = time.time() - 1
    ConnectedAccount.objects.filter(pk=account.pk).update(cursor=cursor)

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED


def test_a_crash_mid_sync_releases_the_account_and_the_next_run_completes(account, server):
    class CrashingClient(XClient):
        def liking_users(self, **kwargs):
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        x_account_sync(
            account_id=account.pk,
            policy=SyncPolicy(sleep=Sleeper()),
            client_factory=lambda token: CrashingClient(access_token=token, base_url=server.url),
        )
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    stored_before = _stored()

    outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    assert stored_before["posts"] == EXPECTED["posts"]
    assert _stored() == EXPECTED


def test_a_sync_leaves_the_member_with_a_fresh_score(account, server, django_capture_on_commit_callbacks):
    from scoring.models import IdentityScore, MemberScore

    with django_capture_on_commit_callbacks(execute=True):
        outcome, _ = _sync(account, server)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    assert MemberScore.objects.filter(member=account.member).exists()
    assert IdentityScore.objects.get(identity=account.identity).received["like"] == 3
