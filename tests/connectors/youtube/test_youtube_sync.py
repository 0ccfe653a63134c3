"""The YouTube sync against a fake Data API answering with real recorded responses: what it
stores (checked by hand against the recordings), its cursors, and the daily quota."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.models import ApiQuotaDay, ConnectedAccount, Identity, Interaction, Post, SyncRun
from connectors.oauth2 import Tokens
from connectors.sync import SyncPolicy
from connectors.youtube.quota import quota_day
from connectors.youtube.services import youtube_account_connect
from connectors.youtube.sync import youtube_account_sync
from tests.connectors.youtube.fake_youtube import CHANNEL_ID, FakeYouTube
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db

KUN_LIU = "UCNvMBmCASzTNNX8lW3JRMbw"  # wrote two comments on the videos, and the three replies
YANG = "UCupGECpPBlTnanhGHLe6GpA"  # wrote the two comments of the channel's discussion


@pytest.fixture
def fake():
    return FakeYouTube()


@pytest.fixture
def server(fake, settings):
    with FakeHTTPServer(handler=fake) as http:
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        settings.GOOGLE_TOKEN_URL = http.url + "/token"
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "google-id", "google-secret"
        yield http


def _tokens(**changes) -> Tokens:
    values = {"access_token": "ya29.token-1", "refresh_token": "1//refresh", "expires_at": None, "scopes": ""}
    return Tokens(**{**values, **changes})


@pytest.fixture
def account(server, fake) -> ConnectedAccount:
    return youtube_account_connect(member=MemberFactory(), tokens=_tokens(), channels=fake.channel)


def _sync(account, **policy):
    return youtube_account_sync(account_id=account.pk, policy=SyncPolicy(sleep=lambda s: None, **policy))


def test_a_sync_reads_the_channel_its_videos_with_counts_and_the_comments(account, server, fake):
    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    channel = Identity.objects.get(network="youtube", external_id=CHANNEL_ID)
    # channel_info_single.json: 1,927,873 subscribers, 5,026 videos, @googledevelopers.
    assert (channel.followers, channel.posts_count, channel.handle) == (1927873, 5026, "googledevelopers")
    assert channel.name == "Google Developers" and channel.url == "https://www.youtube.com/@googledevelopers"
    videos = Post.objects.filter(author=channel, kind="video")
    assert videos.count() == 13  # the playlist's ten and three
    first = videos.get(external_id="CvTApw9X8aA")  # position 0 of the first page
    assert first.text == "Welcome from Google Developers - Pittsburgh ML Summit \u201819"
    assert (first.views, first.likes, first.replies) == (1000, 10, 0)
    assert first.url == "https://www.youtube.com/watch?v=CvTApw9X8aA"
    # Four comments (two on the newest videos by kun liu, two in the discussion by 杨佳名) and
    # kun liu's three replies to 杨佳名's thread, read from comments.list's two pages.
    comments = Post.objects.filter(kind="comment")
    assert comments.count() == 7
    on_video = comments.get(external_id="UgyWeTdgc4sc1xgmbld4AaABAg")
    assert on_video.text == "Hope to go next time. yah!" and on_video.author.external_id == KUN_LIU
    assert on_video.parent_external_id in fake.commented_videos
    to_channel = Interaction.objects.filter(target=channel, kind="reply")
    # One reaction of a kind per person and post (the store's natural key): kun liu's two
    # comments are on two videos; 杨佳名's two are on the channel itself.
    assert sorted(to_channel.values_list("actor__external_id", flat=True)) == [KUN_LIU, KUN_LIU, YANG]
    assert set(
        to_channel.filter(actor__external_id=KUN_LIU).values_list("post__external_id", flat=True)
    ) <= set(fake.commented_videos)
    to_commenter = Interaction.objects.filter(target__external_id=YANG)
    assert to_commenter.count() == 1 and to_commenter.get().actor.external_id == KUN_LIU
    assert {i.post_external_id for i in to_commenter} == {fake.replied_thread}
    assert Identity.objects.get(external_id=KUN_LIU).name == "kun liu"
    # Every call carried the member's token, and each cost one unit of the day's quota.
    assert all(r.headers.get("authorization") == "Bearer ya29.token-1" for r in server.requests)
    calls = len(server.requests)
    assert outcome.run.stats["quota_units"] == calls == ApiQuotaDay.objects.get(day=quota_day()).units
    cursor = ConnectedAccount.objects.get(pk=account.pk).cursor
    assert cursor["uploads"]["since"] == max(i["snippet"]["publishedAt"] for i in fake.uploads)
    assert cursor["uploads"]["next"] is None and "lease" not in cursor


def test_the_next_sync_reads_only_what_is_new(account, server, fake):
    _sync(account)
    posts = Post.objects.count()
    server.requests.clear()
    new = dict(
        fake.uploads[0], snippet=dict(fake.uploads[0]["snippet"], resourceId={"videoId": "newvideo_01"})
    )
    new["contentDetails"] = {"videoId": "newvideo_01", "videoPublishedAt": "2030-01-01T00:00:00Z"}
    new["snippet"]["publishedAt"] = "2030-01-01T00:00:00Z"
    fake.extra_uploads = [new]

    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    assert Post.objects.count() == posts + 1 and Post.objects.filter(external_id="newvideo_01").exists()
    # One page of the playlist (its first video is new, the next one known), not the second.
    assert len(server.requests_to("/youtube/v3/playlistItems")) == 1
    asked = [r.param("id") for r in server.requests_to("/youtube/v3/videos")]
    assert asked[0] == "newvideo_01"  # the new video, then the counts of the recent ones again


def test_a_run_ends_when_its_share_of_the_quota_is_spent_and_the_next_goes_on(account, server, settings):
    settings.YOUTUBE_SYNC_UNITS = 5

    first = _sync(account)

    assert first.run.status == SyncRun.Status.SUCCEEDED and first.retry_after is None
    assert first.run.stats["run_units_spent"] is True and first.run.stats["quota_units"] == 5
    settings.YOUTUBE_SYNC_UNITS = 200
    second = _sync(account)
    assert second.run.stats["run_units_spent"] is False
    assert Post.objects.filter(kind="comment").count() == 7


def test_when_the_days_quota_is_gone_no_call_is_made_and_the_sync_waits_for_the_reset(
    account, server, settings
):
    settings.YOUTUBE_DAILY_QUOTA = 3

    stopped = _sync(account)

    assert (
        stopped.run.status == SyncRun.Status.FAILED and "daily YouTube quota is used up" in stopped.run.error
    )
    assert len(server.requests) == 3 and ApiQuotaDay.objects.get().units == 3
    assert 60 <= stopped.retry_after <= 25 * 3600  # until midnight, Pacific time
    assert ConnectedAccount.objects.get(pk=account.pk).status == ConnectedAccount.Status.ACTIVE


def test_youtubes_own_quota_refusal_waits_for_the_reset_too(account, server):
    body = {"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded"}]}}
    server.script(FakeResponse(status=403, body=body), path="/youtube/v3/channels")

    stopped = _sync(account)

    assert stopped.run.status == SyncRun.Status.FAILED and stopped.retry_after >= 60
    assert len(server.requests) == 1  # not asked again in place: the quota comes back tomorrow
    assert ConnectedAccount.objects.get(pk=account.pk).status == ConnectedAccount.Status.ACTIVE


def test_a_revoked_grant_marks_the_channel_to_reconnect(account, server):
    server.script(
        FakeResponse(status=401, body={"error": {"code": 401, "message": "Invalid Credentials"}}),
        path="/youtube/v3/channels",
    )
    server.script(FakeResponse(status=400, body={"error": "invalid_grant"}), path="/token")

    stopped = _sync(account)

    account.refresh_from_db()
    assert stopped.run.status == SyncRun.Status.FAILED and account.status == ConnectedAccount.Status.REVOKED
    assert "Reconnect YouTube" in account.last_error


def test_an_expired_token_is_refreshed_before_the_sync(account, server):
    ConnectedAccount.objects.filter(pk=account.pk).update(
        token_expires_at=timezone.now() - timedelta(minutes=1)
    )
    server.script(
        FakeResponse(body={"access_token": "ya29.token-2", "expires_in": 3599, "scope": ""}), path="/token"
    )

    outcome = _sync(account)

    assert outcome.run.status == SyncRun.Status.SUCCEEDED, outcome.run.error
    refresh = server.requests_to("/token")[0].body.decode()
    assert "grant_type=refresh_token" in refresh and "client_secret=google-secret" in refresh
    account.refresh_from_db()
    assert account.access_token == "ya29.token-2" and account.refresh_token == "1//refresh"
    assert server.requests_to("/youtube/v3/channels")[0].headers["authorization"] == "Bearer ya29.token-2"


def test_a_token_of_another_channel_is_refused(account, server, fake):
    fake.channel["items"][0]["id"] = "UC" + "x" * 22

    stopped = _sync(account)

    assert stopped.run.status == SyncRun.Status.FAILED and "no longer reaches" in stopped.run.error
    assert not Post.objects.exists()


def test_one_channel_spends_no_more_than_its_daily_part_however_often_it_is_synced(account, server, settings):
    settings.YOUTUBE_ACCOUNT_DAILY_UNITS = 8

    first, second, third = _sync(account), _sync(account), _sync(account)

    spent = [run.run.stats["quota_units"] for run in (first, second, third)]
    assert sum(spent) == 8 and spent[-1] == 0 and third.run.stats["run_units_spent"] is True
    assert ConnectedAccount.objects.get(pk=account.pk).cursor["quota"]["units"] == 8
