"""The Mastodon sync against a fake server answering with real recorded responses, and its faults."""

from __future__ import annotations

import pytest

from connectors.mastodon.services import mastodon_account_connect
from connectors.mastodon.sync import mastodon_account_sync
from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.sync import SyncPolicy
from tests.connectors.mastodon.fake_mastodon import HOME, MEMBER, FakeMastodon
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    return FakeMastodon()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        # One fixed server for every address: the operator's choice, so not checked as public.
        settings.MASTODON_INSTANCE_URL = http.url
        yield http


@pytest.fixture
def account(server, fake) -> ConnectedAccount:
    return mastodon_account_connect(member=MemberFactory(), host=HOME, access_token="token-1", me=fake.me)


def _sync(account, **policy):
    return mastodon_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None, **policy))


def test_a_sync_reads_the_account_its_statuses_mentions_and_who_reacted(account, server, fake):
    outcome = _sync(account)
    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    identity = Identity.objects.get(network="mastodon", external_id=MEMBER)
    assert (identity.followers, identity.handle) == (fake.me["followers_count"], MEMBER)
    own = Post.objects.filter(author=identity)
    assert own.count() == 10
    assert {p.text for p in own} >= {"Toot number 0!", "Toot number 9!"}
    post = own.get(text="Toot number 9!")
    assert post.external_id.startswith("https://social.example/ap/users/") and post.kind == "post"
    received = Interaction.objects.filter(target=identity)
    kinds = sorted(received.values_list("kind", "actor__external_id").distinct())
    assert ("mention", "admin@social.example") in kinds
    assert ("repost", "mastodonpy_test_2@social.example") in kinds
    assert ("reply", "halcy@social.example") in kinds
    reply = received.get(kind="reply")
    assert reply.post.external_id == fake.statuses[0]["uri"]  # the reply is to the newest status
    # The member favourited their own status: no reaction of one's own counts.
    assert not received.filter(actor=identity).exists()
    # Pages of four, back from the newest, with the bearer token on every call.
    pages = server.requests_to(f"/api/v1/accounts/{fake.me['id']}/statuses")
    assert len(pages) == 3 and all(r.headers.get("authorization") == "Bearer token-1" for r in pages)
    cursor = ConnectedAccount.objects.get(pk=account.pk).cursor
    assert cursor["statuses"]["since_id"] == max((s["id"] for s in FakeMastodon().statuses), key=int)
    assert "lease" not in cursor


def test_the_next_sync_asks_only_for_what_is_new(account, server, fake):
    _sync(account)
    first = Post.objects.count()
    server.requests.clear()
    outcome = _sync(account)
    assert outcome.run.status == SyncRun.Status.SUCCEEDED
    pages = [r for r in server.requests if r.path.endswith("/statuses")]
    assert [r.param("since_id") for r in pages] == [fake.newest_id]
    assert Post.objects.count() == first


def test_a_revoked_token_marks_the_account_to_reconnect(account, server):
    server.script(
        FakeResponse(status=401, body={"error": "The access token was revoked"}),
        path="/api/v1/accounts/verify_credentials",
    )
    outcome = _sync(account)
    account.refresh_from_db()
    assert outcome.run.status == SyncRun.Status.FAILED and outcome.retry_after is None
    assert account.status == ConnectedAccount.Status.REVOKED
    assert "Reconnect Mastodon" in account.last_error


def test_a_rate_limit_stops_the_run_until_the_reset_and_resumes_from_the_stored_page(account, server, fake):
    statuses = f"/api/v1/accounts/{fake.me['id']}/statuses"
    busy = FakeResponse(
        status=429, body={"error": "Too many requests"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2999-01-01T00:00:00.000Z"},
    )  # fmt: skip
    # The first page is served, the second refused: the run stops with a wait too long to hold a worker.
    server.script(
        FakeResponse(
            body=fake.statuses[:4],
            headers={"Link": f'<http://fake{statuses}?max_id={fake.statuses[3]["id"]}>; rel="next"'},
        ),
        busy,
        path=statuses,
    )
    outcome = _sync(account, max_wait=60)
    assert (
        outcome.run.status == SyncRun.Status.FAILED
        and outcome.retry_after is None
        or outcome.retry_after > 60
    )
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.ACTIVE
    assert account.cursor["statuses"]["next"] == fake.statuses[3]["id"]
    assert Post.objects.filter(author__external_id=MEMBER).count() == 4
    server.requests.clear()
    assert _sync(account).run.status == SyncRun.Status.SUCCEEDED
    resumed = [r for r in server.requests if r.path == statuses]
    assert resumed[0].param("max_id") == fake.statuses[3]["id"]
    assert Post.objects.filter(author__external_id=MEMBER).count() == 10


def test_no_call_goes_out_once_the_servers_limit_is_used_up(account, server):
    server.script(
        FakeResponse(
            body=FakeMastodon().me,
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2999-01-01T00:00:00Z"},
        ),
        path="/api/v1/accounts/verify_credentials",
    )
    outcome = _sync(account, max_wait=60)
    assert outcome.run.status == SyncRun.Status.FAILED and outcome.retry_after > 60
    assert [r.path for r in server.requests] == ["/api/v1/accounts/verify_credentials"]


def test_a_server_without_quotes_is_asked_once(account, server, fake):
    fake.quotes_supported = False
    assert _sync(account).run.status == SyncRun.Status.SUCCEEDED
    assert len([r for r in server.requests if r.path.endswith("/quotes")]) == 1
    assert ConnectedAccount.objects.get(pk=account.pk).cursor["quotes_unsupported"] is True


def test_a_token_of_another_account_is_refused(account, server, fake):
    other = {**fake.me, "acct": "someone_else", "id": "1"}
    server.script(FakeResponse(body=other), path="/api/v1/accounts/verify_credentials")
    _sync(account)
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.REVOKED


def test_a_used_up_limit_lets_calls_out_again_once_its_reset_has_passed(server):
    from datetime import UTC, datetime, timedelta

    from connectors.errors import ConnectorError
    from connectors.mastodon.client import MastodonClient

    clock = [datetime(2026, 12, 1, 12, 0, tzinfo=UTC)]
    reset = (clock[0] + timedelta(seconds=30)).isoformat()
    limited = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    server.script(FakeResponse(body={"id": "1"}, headers=limited))
    client = MastodonClient(host=HOME, access_token="t", now=lambda: clock[0])
    client.me()
    with pytest.raises(ConnectorError) as refused:
        client.me()
    assert refused.value.retry_after == 30 and len(server.requests) == 1
    clock[0] += timedelta(seconds=31)
    client.me()
    assert len(server.requests) == 2


def test_a_run_stops_at_its_time_budget_with_its_cursor_saved(account, server):
    ticks = iter(range(0, 10_000, 400))  # every call takes 400 s of the run's 20 minutes
    outcome = mastodon_account_sync(
        account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None, clock=lambda: next(ticks))
    )
    assert outcome.run.status == SyncRun.Status.FAILED and outcome.retry_after == 60
    assert "took its 20 minutes" in outcome.run.error
    assert len(server.requests) == 3
    assert ConnectedAccount.objects.get(pk=account.pk).status == ConnectedAccount.Status.ACTIVE
