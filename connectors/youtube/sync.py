"""Periodic sync of one connected YouTube channel: ``youtube_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what YouTube adds:

1. Refresh the access token when it has expired (Google's last an hour).
2. Read the channel (its subscribers and video count), checking it is still the one connected.
3. The uploads: the channel's uploads playlist, newest first, page by page back to the newest
   video of the last complete pass; each page's videos are read with their counts.
4. The counts of the most recent videos again (views and likes grow for weeks).
5. The comments on all the channel's videos (``allThreadsRelatedToChannelId``), newest first,
   back to the newest comment of the last complete pass, and the replies a thread's page did
   not hold.

Every call costs a unit of the server's daily quota (``quota.py``). A run spends at most its
share; then it ends as it would at the end of its pages, its cursor where it stopped, and the
next run goes on from there. When the day's units are gone, the run stops and the task tries
again after the quota's reset.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.models import Post
from connectors.records import Batch
from connectors.services import account_tokens_store
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync
from connectors.youtube import oauth
from connectors.youtube.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, PAGE_SIZE, YouTubeClient
from connectors.youtube.parser import (
    NETWORK,
    channel_record,
    my_channel,
    next_page,
    parse_comment_threads,
    parse_replies,
    parse_videos,
    playlist_videos,
    thread_times,
    threads_with_more_replies,
    uploads_playlist,
)
from connectors.youtube.quota import DailyQuota, RunUnitsSpent, account_daily_units, quota_day
from connectors.youtube.source import SOURCE

# (access token, spend) -> client; ``spend`` charges the quota before each call.
ClientFactory = Callable[[str, Callable[[int], None]], YouTubeClient]


def _default_client(access_token: str, spend: Callable[[int], None]) -> YouTubeClient:
    return YouTubeClient(
        access_token=access_token,
        base_url=getattr(settings, "YOUTUBE_API_BASE_URL", "") or DEFAULT_BASE_URL,
        timeout=float(getattr(settings, "YOUTUBE_API_TIMEOUT_SECONDS", DEFAULT_TIMEOUT)),
        spend=spend,
    )


def youtube_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=YouTubeSync,
        run_source=SOURCE.sync.run_source,
        policy=policy,
        client_factory=client_factory or _default_client,
    )


class YouTubeSync(AccountSync):
    network = NETWORK
    network_label = "YouTube"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.stats.update(quota_units=0, run_units_spent=False)
        # Each client this run makes (a refresh makes a new one) spends from the run's share.
        self.quota = DailyQuota.for_run()
        # And within what this channel may spend today: "sync now", however often, cannot take
        # more than its part of the server's day.
        today = quota_day().isoformat()
        used = self.cursor.get("quota") if isinstance(self.cursor.get("quota"), dict) else {}
        self.spent_today = int(used.get("units") or 0) if used.get("day") == today else 0
        self.quota.run_units = max(0, min(self.quota.run_units, account_daily_units() - self.spent_today))
        make = self.client_factory
        self.client_factory = lambda token: make(token, self.quota.spend)

    def token_expired(self) -> bool:
        return oauth.token_expired(expires_at=self.account.token_expires_at)

    def refresh(self) -> None:
        tokens = oauth.token_refresh(refresh_token=self.account.refresh_token)
        account_tokens_store(account_id=self.account.pk, tokens=tokens)
        self.account.access_token = tokens.access_token
        self.account.token_expires_at = tokens.expires_at

    def steps(self) -> None:
        try:
            playlist = self._channel()
            if playlist:
                self._uploads(playlist)
            self._recent_counts()
            self._comments()
        except RunUnitsSpent:
            # Not a failure: this run's share of the day is spent, the cursor is saved.
            self.stats["run_units_spent"] = True
        finally:
            self.stats["quota_units"] = self.quota.spent
            # Kept with the cursor when the run ends (``_release``).
            self.cursor["quota"] = {
                "day": quota_day().isoformat(),
                "units": self.spent_today + self.quota.spent,
            }

    # --- steps -------------------------------------------------------------------------
    def _channel(self) -> str | None:
        page = self.fetch("my_channel")
        channel = my_channel(page)
        if channel is None or channel["id"] != self.user_id:
            raise ConnectorError(
                "the stored access no longer reaches the connected YouTube channel", permanent=True, auth=True
            )
        self.store(Batch(identities=[channel_record(channel)]))
        return uploads_playlist(channel)

    def _uploads(self, playlist: str) -> None:
        def videos(page: dict, fresh: set[str]) -> Batch:
            new = [video for video, at in playlist_videos(page, channel_id=self.user_id) if at in fresh]
            if not new:
                return Batch()
            return parse_videos(self.fetch("videos", video_ids=new), channel_id=self.user_id)

        self.newest_first_pass(
            "uploads",
            page=lambda token: self.fetch("playlist_items", playlist_id=playlist, page_token=token),
            times=lambda page: [at for _, at in playlist_videos(page, channel_id=self.user_id)],
            batch=videos,
            next_token=next_page,
        )

    def _recent_counts(self) -> None:
        recent = list(
            Post.objects.filter(author=self.account.identity, kind="video")
            .order_by("-created_at")
            .values_list("external_id", flat=True)[:PAGE_SIZE]
        )
        if recent:
            self.store(parse_videos(self.fetch("videos", video_ids=recent), channel_id=self.user_id))

    def _comments(self) -> None:
        def threads(page: dict, fresh: set[str]) -> Batch:
            for thread_id, author, video_id in threads_with_more_replies(page, channel_id=self.user_id):
                self._replies(thread_id, author, video_id)
            return parse_comment_threads(page, channel_id=self.user_id)

        self.newest_first_pass(
            "comments",
            page=lambda token: self.fetch("comment_threads", channel_id=self.user_id, page_token=token),
            times=thread_times,
            batch=threads,
            next_token=next_page,
        )

    def _replies(self, thread_id: str, author: str, video_id: str | None) -> None:
        token = None
        for _ in range(self.policy.max_pages):
            try:
                page = self.fetch("replies", parent_id=thread_id, page_token=token)
            except ConnectorError as error:
                if error.permanent and not error.auth and error.status in (403, 404):
                    return  # the comment was deleted or held for review since its thread was read
                raise
            self.store(
                parse_replies(
                    page,
                    channel_id=self.user_id,
                    thread_id=thread_id,
                    thread_author=author,
                    video_id=video_id,
                )
            )
            token = next_page(page)
            if not token:
                return
