"""A thin client for the X API v2, over tweepy's ``Client``.

tweepy knows every endpoint's route and parameters; this module adds what a periodic sync
needs and tweepy leaves out: a configurable base URL (so tests can point it at a local
fake server), a timeout on every request (tweepy sets none, so a stalled connection would
hang a worker), the fields and expansions the parser relies on, and one error type.
Every failure leaves as a :class:`~connectors.errors.ConnectorError` that says whether
retrying can help.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
import tweepy

from connectors.errors import ConnectorError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.twitter.com"
# (connect, read) seconds. X answers a page in well under a second when healthy.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
PAGE_SIZE = 100  # the largest page the timeline, mentions and engagement endpoints serve

TWEET_FIELDS = [
    "author_id",
    "created_at",
    "conversation_id",
    "entities",
    "in_reply_to_user_id",
    "lang",
    "public_metrics",
    "referenced_tweets",
]
USER_FIELDS = [
    "created_at",
    "description",
    "location",
    "name",
    "public_metrics",
    "url",
    "username",
    "verified",
]
# Expanding the referenced tweets and their authors is what lets a retweet, reply or
# quote be turned into an interaction with a known target, without a second request.
TWEET_EXPANSIONS = [
    "author_id",
    "entities.mentions.username",
    "in_reply_to_user_id",
    "referenced_tweets.id",
    "referenced_tweets.id.author_id",
]

T = TypeVar("T")


class _TransportClient(tweepy.Client):
    """tweepy's client with our host, a timeout, and raw JSON pages as results."""

    def __init__(self, *, access_token: str, base_url: str, timeout: tuple[float, float]) -> None:
        # An OAuth 2.0 user access token is sent exactly like an app bearer token.
        super().__init__(bearer_token=access_token, return_type=dict, wait_on_rate_limit=False)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method, route, params=None, json=None, user_auth=False):  # noqa: A002
        headers = {"User-Agent": self.user_agent, "Authorization": f"Bearer {self.bearer_token}"}
        url = self.base_url + route
        try:
            response = self.session.request(
                method, url, params=params, json=json, headers=headers, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise ConnectorError(f"X did not answer {route} in time", permanent=False) from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise ConnectorError(f"the connection to X broke during {route}: {exc}", permanent=False) from exc
        log.debug("X %s %s -> %s", method, route, response.status_code)
        if 200 <= response.status_code < 300:
            return response
        raise _error_for(response, route)


def _error_for(response: requests.Response, route: str) -> ConnectorError:
    status = response.status_code
    detail = _api_message(response)
    if status == 401:
        return ConnectorError(
            f"X rejected the access token ({detail}); it was revoked or has expired",
            permanent=True,
            status=status,
            auth=True,
        )
    if status == 429:
        return ConnectorError(
            f"X rate limit reached on {route}",
            permanent=False,
            retry_after=_seconds_until_reset(response),
            status=status,
        )
    if status >= 500:
        return ConnectorError(f"X failed on {route} with {status} ({detail})", permanent=False, status=status)
    # 400, 403 (a suspended account, a missing scope, an app not enrolled), 404 (a deleted
    # post or user): asking again gives the same answer.
    return ConnectorError(f"X refused {route} with {status} ({detail})", permanent=True, status=status)


def _api_message(response: requests.Response) -> str:
    try:
        return str(tweepy.errors.HTTPException(response)).split(" ", 1)[-1].replace("\n", " ").strip()
    except Exception:  # an error body we cannot read should not hide the status itself
        return response.reason or "no detail"


def _seconds_until_reset(response: requests.Response) -> float | None:
    """X sends the epoch second at which the window resets; turn it into a wait."""
    raw = response.headers.get("x-rate-limit-reset")
    if raw is None:
        return None
    try:
        reset = float(raw)
    except ValueError:
        return None
    return max(0.0, reset - time.time())


class XClient:
    """The X API v2 calls the sync makes, each returning one raw JSON page (a dict)."""

    def __init__(
        self,
        *,
        access_token: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self._api = _TransportClient(access_token=access_token, base_url=base_url, timeout=timeout)

    def me(self) -> dict[str, Any]:
        return self._call(self._api.get_me, user_auth=False, user_fields=USER_FIELDS)

    def user(self, *, user_id: str) -> dict[str, Any]:
        return self._call(self._api.get_user, id=user_id, user_fields=USER_FIELDS)

    def user_tweets(
        self, *, user_id: str, since_id: str | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        return self._call(
            self._api.get_users_tweets, user_id, **self._timeline_params(since_id, pagination_token)
        )

    def user_mentions(
        self, *, user_id: str, since_id: str | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        params = self._timeline_params(since_id, pagination_token)
        return self._call(self._api.get_users_mentions, user_id, **params)

    def liking_users(self, *, tweet_id: str, pagination_token: str | None = None) -> dict[str, Any]:
        return self._call(
            self._api.get_liking_users, tweet_id, user_fields=USER_FIELDS, **_page(pagination_token)
        )

    def retweeters(self, *, tweet_id: str, pagination_token: str | None = None) -> dict[str, Any]:
        return self._call(
            self._api.get_retweeters, tweet_id, user_fields=USER_FIELDS, **_page(pagination_token)
        )

    def quote_tweets(self, *, tweet_id: str, pagination_token: str | None = None) -> dict[str, Any]:
        return self._call(
            self._api.get_quote_tweets,
            tweet_id,
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            expansions=["author_id"],
            **_page(pagination_token),
        )

    @staticmethod
    def _timeline_params(since_id: str | None, pagination_token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "tweet_fields": TWEET_FIELDS,
            "user_fields": USER_FIELDS,
            "expansions": TWEET_EXPANSIONS,
            **_page(pagination_token),
        }
        if since_id:
            params["since_id"] = since_id
        return params

    @staticmethod
    def _call(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            page = method(*args, **kwargs)
        except requests.JSONDecodeError as exc:
            # A 200 whose body is cut off or not JSON: a proxy or X itself failed mid-answer.
            raise ConnectorError(
                "X returned a response that is not valid JSON (truncated?)", permanent=False
            ) from exc
        if not isinstance(page, dict):
            raise ConnectorError(
                f"X returned a {type(page).__name__} where a JSON object was expected", permanent=False
            )
        return page


def _page(pagination_token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"max_results": PAGE_SIZE}
    if pagination_token:
        params["pagination_token"] = pagination_token
    return params
