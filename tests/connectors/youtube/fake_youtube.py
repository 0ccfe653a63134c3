"""A YouTube Data API for tests, answering with real recorded responses.

The bodies are python-youtube's recordings of the real API (``../shared/fixtures/youtube/apidata``).
The member's channel is Google Developers (``channel_info_single.json``); its uploads are the
thirteen videos of a playlist of that channel (``playlist_items_paged_1/2.json``, ten and
three). What is changed, and only this:

- the channel resource gets the ``contentDetails.relatedPlaylists.uploads`` the API sends with
  ``part=contentDetails`` (the recording asked for other parts), naming that playlist;
- no recording has a video's ``statistics``: ``videos.list`` answers with each recorded video's
  snippet and statistics built from the API's own schema (``VideoStatistics`` in the discovery
  document google-api-python-client ships: strings of digits), numbers chosen per video here;
- the comment threads are the recorded ``allThreadsRelatedToChannelId`` page of the API's test
  channel (``comment_threads_all_to_me.json``), addressed to the member's channel and its two
  newest videos; one thread, whose recorded ``totalReplyCount`` says it has a reply the page does
  not hold, gets the recorded ``comments.list`` pages of replies (``comments_by_parent``, two
  pages) served for it.

Lists page by ``pageToken`` with ``nextPageToken``, as the API does.
"""

from __future__ import annotations

import copy
import json

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

DATA = FIXTURES / "youtube" / "apidata"
CHANNEL_ID = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
PLAYLIST = "PLOU2XLYxmsIKpaV8h0AGE05so0fAwwfTw"
PREFIX = "/youtube/v3"


def recorded(name: str) -> dict:
    path = DATA / name
    require(path.exists(), f"the recorded YouTube answers are missing: {path}")
    return json.loads(path.read_text())


def statistics_for(position: int) -> dict[str, str]:
    # VideoStatistics: viewCount, likeCount, favoriteCount, commentCount as strings of digits.
    return {
        "viewCount": str(1000 * (position + 1)),
        "likeCount": str(10 * (position + 1)),
        "favoriteCount": "0",
        "commentCount": str(position),
    }


class FakeYouTube:
    def __init__(self) -> None:
        self.channel = copy.deepcopy(recorded("channel_info_single.json"))
        self.channel["items"][0]["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": PLAYLIST}}
        self.playlist_pages = [recorded("playlist_items/playlist_items_paged_1.json")]
        self.playlist_pages.append(recorded("playlist_items/playlist_items_paged_2.json"))
        self.uploads = [i for page in self.playlist_pages for i in page["items"]]
        self.threads = copy.deepcopy(recorded("comment_threads/comment_threads_all_to_me.json"))
        newest = sorted(self.uploads, key=lambda i: i["snippet"]["publishedAt"], reverse=True)
        self.commented_videos = [
            newest[0]["snippet"]["resourceId"]["videoId"],
            newest[1]["snippet"]["resourceId"]["videoId"],
        ]
        for n, thread in enumerate(self.threads["items"]):
            for snippet in (thread["snippet"], thread["snippet"]["topLevelComment"]["snippet"]):
                snippet["channelId"] = CHANNEL_ID
                if "videoId" in snippet:  # the recorded channel-discussion comments keep none
                    snippet["videoId"] = self.commented_videos[n % 2]
        replied = next(t for t in self.threads["items"] if t["snippet"]["totalReplyCount"] > 0)
        replied["snippet"]["totalReplyCount"] = 3
        self.replied_thread = replied["id"]
        self.reply_pages = [
            copy.deepcopy(recorded("comments/comments_by_parent_paged_1.json")),
            copy.deepcopy(recorded("comments/comments_by_parent_paged_2.json")),
        ]
        for page in self.reply_pages:
            for reply in page["items"]:
                reply["snippet"]["parentId"] = self.replied_thread
        self.extra_uploads: list[dict] = []
        self.handle = self.channel["items"][0]["snippet"]["customUrl"].lstrip("@")

    def video(self, item: dict, position: int) -> dict:
        snippet = item["snippet"]
        return {
            "kind": "youtube#video",
            "id": snippet["resourceId"]["videoId"],
            "snippet": {
                "publishedAt": snippet["publishedAt"],
                "channelId": snippet["channelId"],
                "title": snippet["title"],
                "description": snippet["description"],
                "channelTitle": snippet["channelTitle"],
            },
            "statistics": statistics_for(position),
        }

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path.removeprefix(PREFIX)
        if path == "/channels" and request.param("mine") == "true":
            return FakeResponse(body=self.channel)
        if path == "/channels" and request.param("forHandle"):
            # As the API answers a handle: the channel that has it, or no items.
            found = request.param("forHandle").lower() == "@" + self.handle
            return FakeResponse(body={**self.channel, "items": self.channel["items"] if found else []})
        if path == "/playlistItems" and request.param("playlistId") == PLAYLIST:
            pages = self.playlist_pages
            if self.extra_uploads:
                first = copy.deepcopy(pages[0])
                first["items"] = self.extra_uploads + first["items"]
                pages = [first, pages[1]]
            return FakeResponse(
                body=pages[1] if request.param("pageToken") == pages[0]["nextPageToken"] else pages[0]
            )
        if path == "/videos":
            wanted = (request.param("id") or "").split(",")
            every = self.extra_uploads + self.uploads
            items = [
                self.video(i, n)
                for n, i in enumerate(every)
                if i["snippet"]["resourceId"]["videoId"] in wanted
            ]
            return FakeResponse(body={"kind": "youtube#videoListResponse", "items": items})
        if path == "/commentThreads" and request.param("allThreadsRelatedToChannelId") == CHANNEL_ID:
            return FakeResponse(body=self.threads)
        if path == "/comments" and request.param("parentId") == self.replied_thread:
            token = self.reply_pages[0]["nextPageToken"]
            return FakeResponse(
                body=self.reply_pages[1] if request.param("pageToken") == token else self.reply_pages[0]
            )
        return FakeResponse(
            status=404,
            body={"error": {"code": 404, "message": "Not found", "errors": [{"reason": "notFound"}]}},
        )
