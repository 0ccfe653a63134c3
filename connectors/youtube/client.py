"""A thin client for the YouTube Data API v3, over google-api-python-client.

The library builds every request from YouTube's discovery document (shipped inside it, so
nothing is fetched to learn the API); this module adds what a periodic sync needs: a
configurable address (tests point it at a local fake server), a timeout on every request, the
parts and fields the parser relies on, the daily quota charged before each call (``spend``),
and one error type. Every failure leaves as a :class:`~connectors.errors.ConnectorError` that
says whether retrying can help.

Every call the sync makes is a ``list``, which costs one unit of the operator's daily quota
(10,000 by default), whether it succeeds or not.
"""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Callable
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.errors import ConnectorError
from connectors.youtube.quota import seconds_until_quota_reset

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://youtube.googleapis.com/"
DEFAULT_TIMEOUT = 30.0  # seconds per socket operation
UNITS_PER_LIST = 1
PAGE_SIZE = 50  # the most playlistItems.list and videos.list serve
COMMENT_PAGE_SIZE = 100  # the most commentThreads.list and comments.list serve

# A quota that is used up is refused with these reasons; the quota comes back at midnight,
# Pacific time. A rate limit (too many calls a second) clears in moments.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# The member's grant lacks what the call needs (a token of another scope): connecting again fixes it.
AUTH_REASONS = frozenset({"insufficientPermissions", "authError", "forbidden"})


def _reason(content: bytes) -> str:
    try:
        errors = json.loads(content.decode("utf-8"))["error"]["errors"]
        return str(errors[0].get("reason") or "")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


def _error_for(error: HttpError, call: str) -> ConnectorError:
    status, reason = error.resp.status, _reason(error.content)
    detail = error.reason or reason or "no detail"
    if status == 401 or (status == 403 and reason in AUTH_REASONS):
        return ConnectorError(
            f"YouTube rejected the access ({detail}); it was revoked or has expired",
            permanent=True,
            status=status,
            auth=True,
        )
    if reason in QUOTA_REASONS:
        return ConnectorError(
            "this server's daily YouTube quota is used up",
            permanent=False,
            retry_after=seconds_until_quota_reset(),
            status=status,
        )
    if status == 429 or reason in RATE_REASONS:
        retry_after = error.resp.get("retry-after")
        return ConnectorError(
            f"YouTube rate limit reached on {call}",
            permanent=False,
            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
            status=status,
        )
    if status >= 500:
        return ConnectorError(
            f"YouTube failed on {call} with {status} ({detail})", permanent=False, status=status
        )
    # 400, 403 (comments turned off, a suspended channel), 404 (a deleted video): asking again
    # gives the same answer.
    return ConnectorError(f"YouTube refused {call} with {status} ({detail})", permanent=True, status=status)


class YouTubeClient:
    """The YouTube Data API calls the sync makes, each returning one raw JSON page (a dict)."""

    def __init__(
        self,
        *,
        access_token: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        spend: Callable[[int], None] | None = None,
    ) -> None:
        self._token = access_token
        self._http = httplib2.Http(timeout=timeout)
        self._spend = spend or (lambda units: None)
        self._api = build(
            "youtube",
            "v3",
            http=self._http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": base_url},
        )

    def my_channel(self) -> dict[str, Any]:
        return self._call(
            "channels.list",
            self._api.channels().list(part="snippet,statistics,contentDetails", mine=True),
        )

    def playlist_items(self, *, playlist_id: str, page_token: str | None = None) -> dict[str, Any]:
        return self._call(
            "playlistItems.list",
            self._api.playlistItems().list(
                part="snippet,contentDetails",
                playlistId=playlist_id,
                maxResults=PAGE_SIZE,
                **_page(page_token),
            ),
        )

    def videos(self, *, video_ids: list[str]) -> dict[str, Any]:
        return self._call(
            "videos.list",
            self._api.videos().list(part="snippet,statistics", id=",".join(video_ids[:PAGE_SIZE])),
        )

    def comment_threads(self, *, channel_id: str, page_token: str | None = None) -> dict[str, Any]:
        """The comments on every video of the channel, newest first, each with a few replies."""
        return self._call(
            "commentThreads.list",
            self._api.commentThreads().list(
                part="snippet,replies",
                allThreadsRelatedToChannelId=channel_id,
                order="time",
                textFormat="plainText",
                maxResults=COMMENT_PAGE_SIZE,
                **_page(page_token),
            ),
        )

    def replies(self, *, parent_id: str, page_token: str | None = None) -> dict[str, Any]:
        return self._call(
            "comments.list",
            self._api.comments().list(
                part="snippet",
                parentId=parent_id,
                textFormat="plainText",
                maxResults=COMMENT_PAGE_SIZE,
                **_page(page_token),
            ),
        )

    def _call(self, call: str, request: Any) -> dict[str, Any]:
        self._spend(UNITS_PER_LIST)
        request.headers["authorization"] = f"Bearer {self._token}"
        try:
            page = request.execute(http=self._http, num_retries=0)
        except HttpError as error:
            raise _error_for(error, call) from error
        except TimeoutError as exc:
            raise ConnectorError(f"YouTube did not answer {call} in time", permanent=False) from exc
        except json.JSONDecodeError as exc:
            # A 200 whose body is cut off or not JSON: a proxy or YouTube itself failed mid-answer.
            raise ConnectorError(
                "YouTube returned a response that is not valid JSON (truncated?)", permanent=False
            ) from exc
        except (OSError, http.client.HTTPException, httplib2.HttpLib2Error) as exc:
            raise ConnectorError(f"YouTube could not be reached for {call}: {exc}", permanent=False) from exc
        log.debug("YouTube %s answered", call)
        if not isinstance(page, dict):
            raise ConnectorError(
                f"YouTube returned a {type(page).__name__} where a JSON object was expected", permanent=False
            )
        return page


def _page(page_token: str | None) -> dict[str, Any]:
    return {"pageToken": page_token} if page_token else {}
