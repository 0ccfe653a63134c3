"""Pure functions from the YouTube Data API's JSON to records: no Django, no network.

- A channel's id (``UC…``) is its identity; its handle (``customUrl``, ``@name``) is kept
  without the ``@``. Its subscribers are its audience, unless the channel hides the count.
- A video of the member's channel is a post of kind ``video`` with its views, likes and comment
  count (YouTube sends counts as strings of digits).
- A top-level comment is a post of kind ``comment`` by its author, and a reply of that author
  to the channel: on the video when it has one, on the channel itself when it is a comment of
  the channel's discussion. A reply in a thread is a reply to the author of the comment it
  answers, whoever that is.
- Only what concerns the member's channel is read: a video of another channel, or a thread on
  another channel, is left out (the API would not send one, but a parser trusts no page).
- An author YouTube names without a channel id (a deleted account) is left out with what they
  wrote; a reaction of the channel to itself is no reaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.json_values import as_dict, count, parse_time
from connectors.records import MAX_COUNT, Batch, IdentityRecord, InteractionRecord, PostRecord

NETWORK = "youtube"
WATCH_URL = "https://www.youtube.com/watch?v={}"
CHANNEL_URL = "https://www.youtube.com/channel/{}"

# Channel ids are "UC" and 22 characters of URL-safe base64; video ids 11 of them; comment ids
# are longer, a reply's is its thread's, a dot, and its own.
_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_VIDEO = re.compile(r"^[A-Za-z0-9_-]{11}$")
_COMMENT = re.compile(r"^[A-Za-z0-9_-]{10,64}(?:\.[A-Za-z0-9_-]{10,64})?$")


def _count(value: Any) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
        return number if number <= MAX_COUNT else None
    return count(value)


def _str(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def channel_id_valid(value: Any) -> bool:
    return isinstance(value, str) and bool(_CHANNEL.match(value))


def video_id_valid(value: Any) -> bool:
    return isinstance(value, str) and bool(_VIDEO.match(value))


def channel_record(channel: Mapping[str, Any]) -> IdentityRecord | None:
    """A ``youtube#channel`` resource as an identity, or None when it names no channel."""
    channel_id = channel.get("id")
    if not channel_id_valid(channel_id):
        return None
    snippet, statistics = as_dict(channel.get("snippet")), as_dict(channel.get("statistics"))
    handle = _str(snippet.get("customUrl"), 100).lstrip("@")
    hidden = statistics.get("hiddenSubscriberCount") is True
    return IdentityRecord(
        network=NETWORK,
        external_id=channel_id,
        handle=handle,
        name=_str(snippet.get("title"), 200),
        followers=None if hidden else _count(statistics.get("subscriberCount")),
        posts=_count(statistics.get("videoCount")),
        location=_str(snippet.get("country"), 100),
        bio=_str(snippet.get("description"), 2000),
        url=f"https://www.youtube.com/@{handle}" if handle else CHANNEL_URL.format(channel_id),
    )


def my_channel(page: Mapping[str, Any]) -> dict[str, Any] | None:
    """The one channel of a ``channels.list(mine=true)`` page, or None (an account with none)."""
    items = page.get("items")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        return None
    return items[0] if channel_id_valid(items[0].get("id")) else None


def uploads_playlist(channel: Mapping[str, Any]) -> str | None:
    """The id of the playlist that holds every upload of the channel."""
    related = as_dict(as_dict(channel.get("contentDetails")).get("relatedPlaylists"))
    playlist = related.get("uploads")
    return playlist if isinstance(playlist, str) and re.match(r"^[A-Za-z0-9_-]{2,64}$", playlist) else None


def next_page(page: Mapping[str, Any]) -> str | None:
    token = page.get("nextPageToken")
    return token if isinstance(token, str) and 0 < len(token) <= 2000 else None


def playlist_videos(page: Mapping[str, Any], *, channel_id: str) -> list[tuple[str, str]]:
    """(video id, published at as sent) of each upload of the channel on a playlistItems page."""
    found = []
    for item in page.get("items") or []:
        snippet, details = as_dict(as_dict(item).get("snippet")), as_dict(as_dict(item).get("contentDetails"))
        video_id = details.get("videoId") or as_dict(snippet.get("resourceId")).get("videoId")
        published = details.get("videoPublishedAt") or snippet.get("publishedAt")
        owner = snippet.get("videoOwnerChannelId", snippet.get("channelId"))
        if video_id_valid(video_id) and owner == channel_id and parse_time(published) is not None:
            found.append((video_id, published))
    return found


def parse_videos(page: Mapping[str, Any], *, channel_id: str) -> Batch:
    """The channel's videos of a ``videos.list`` page, with their counts."""
    batch = Batch()
    for item in page.get("items") or []:
        video = as_dict(item)
        snippet, statistics = as_dict(video.get("snippet")), as_dict(video.get("statistics"))
        created = parse_time(snippet.get("publishedAt"))
        if not video_id_valid(video.get("id")) or snippet.get("channelId") != channel_id or created is None:
            continue
        language = snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage")
        batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=video["id"],
                author_id=channel_id,
                created_at=created,
                kind="video",
                text=_str(snippet.get("title"), 500),
                language=_str(language, 16),
                url=WATCH_URL.format(video["id"]),
                likes=_count(statistics.get("likeCount")),
                replies=_count(statistics.get("commentCount")),
                views=_count(statistics.get("viewCount")),
            )
        )
    return batch


class _Comments:
    """A batch being made from comments, each author and comment once."""

    def __init__(self, channel_id: str) -> None:
        self.channel_id = channel_id
        self.batch = Batch()
        self._authors: set[str] = set()
        self._comments: set[str] = set()

    def comment(self, comment: Any, *, parent: str, answered: str | None, video_id: str | None) -> str | None:
        """Add a ``youtube#comment`` replying to ``answered`` (an author), under ``parent`` (a
        post); return its author's channel id."""
        snippet = as_dict(as_dict(comment).get("snippet"))
        comment_id = as_dict(comment).get("id")
        author = as_dict(snippet.get("authorChannelId")).get("value")
        created = parse_time(snippet.get("publishedAt"))
        if not channel_id_valid(author) or created is None or not isinstance(comment_id, str):
            return None
        if not _COMMENT.match(comment_id) or comment_id in self._comments:
            return author
        self._comments.add(comment_id)
        if author not in self._authors:
            self._authors.add(author)
            name = _str(snippet.get("authorDisplayName"), 200)
            self.batch.identities.append(
                IdentityRecord(
                    network=NETWORK,
                    external_id=author,
                    # No handle: a display name of "@someone" is anybody's to write; only the
                    # channel's own resource (channels.list) says its handle.
                    handle="",
                    name=name,
                    url=CHANNEL_URL.format(author),
                )
            )
        self.batch.posts.append(
            PostRecord(
                network=NETWORK,
                external_id=comment_id,
                author_id=author,
                created_at=created,
                kind="comment",
                text=_str(snippet.get("textOriginal") or snippet.get("textDisplay"), 5000),
                url=WATCH_URL.format(video_id) + f"&lc={comment_id}" if video_id else "",
                parent_id=parent,
                likes=_count(snippet.get("likeCount")),
            )
        )
        if answered and answered != author:
            self.batch.interactions.append(
                InteractionRecord(
                    network=NETWORK,
                    kind="reply",
                    actor_id=author,
                    target_id=answered,
                    occurred_at=created,
                    post_id=parent,
                )
            )
        return author


def parse_comment_threads(page: Mapping[str, Any], *, channel_id: str) -> Batch:
    """The comments of a ``commentThreads.list`` page about the channel, and the replies it holds."""
    comments = _Comments(channel_id)
    for item in page.get("items") or []:
        thread = as_dict(item)
        snippet = as_dict(thread.get("snippet"))
        if snippet.get("channelId") != channel_id:
            continue
        video_id = snippet.get("videoId") if video_id_valid(snippet.get("videoId")) else None
        top = snippet.get("topLevelComment")
        # A comment on a video answers the video; one of the channel's discussion, the channel.
        author = comments.comment(top, parent=video_id or "", answered=channel_id, video_id=video_id)
        if author is None:
            continue
        thread_id = as_dict(top).get("id")
        for reply in as_dict(thread.get("replies")).get("comments") or []:
            comments.comment(reply, parent=thread_id, answered=author, video_id=video_id)
    return comments.batch


def threads_with_more_replies(
    page: Mapping[str, Any], *, channel_id: str
) -> list[tuple[str, str, str | None]]:
    """(thread id, its author, its video) of the threads whose page holds only some of their
    replies (a thread brings five at most); ``comments.list`` has the rest."""
    found = []
    for item in page.get("items") or []:
        thread, snippet = as_dict(item), as_dict(as_dict(item).get("snippet"))
        top = as_dict(snippet.get("topLevelComment"))
        author = as_dict(as_dict(top.get("snippet")).get("authorChannelId")).get("value")
        held = len(as_dict(thread.get("replies")).get("comments") or [])
        total = _count(snippet.get("totalReplyCount")) or 0
        if snippet.get("channelId") == channel_id and channel_id_valid(author) and total > held:
            if isinstance(top.get("id"), str) and _COMMENT.match(top["id"]):
                video_id = snippet.get("videoId") if video_id_valid(snippet.get("videoId")) else None
                found.append((top["id"], author, video_id))
    return found


def parse_replies(
    page: Mapping[str, Any], *, channel_id: str, thread_id: str, thread_author: str, video_id: str | None
) -> Batch:
    """A ``comments.list(parentId=…)`` page: replies to the author of the thread's comment."""
    comments = _Comments(channel_id)
    for reply in page.get("items") or []:
        if as_dict(as_dict(reply).get("snippet")).get("parentId") == thread_id:
            comments.comment(reply, parent=thread_id, answered=thread_author, video_id=video_id)
    return comments.batch


def thread_times(page: Mapping[str, Any]) -> list[str]:
    """When each thread's comment of a page was written, as sent."""
    found = []
    for item in page.get("items") or []:
        top = as_dict(as_dict(as_dict(item).get("snippet")).get("topLevelComment"))
        published = as_dict(top.get("snippet")).get("publishedAt")
        if parse_time(published) is not None:
            found.append(published)
    return found
