"""A client for the Bluesky AppView's public reads, and for signing in on a member's PDS.

The AppView (``BLUESKY_APPVIEW_URL``, the operator's choice) indexes the whole network and
answers its reads without a session: profiles, author feeds, likes, reposts, threads, quotes.
The member's PDS is named by their DID document, which they control, so it is reached only
through ``connectors.public_http`` with its address checked (as a Mastodon server is).

Failures leave as ``ConnectorError``: 401 (and an ``AuthenticationRequired`` or
``AccountTakedown`` error) is about the member's authorisation; 400 and 404 are permanent; 429
and 5xx transient, with ``RateLimit-Reset`` (epoch seconds) as the wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.public_http import public_request

FEED_PAGE = 100  # the most getAuthorFeed, getLikes, getRepostedBy and getQuotes serve
MAX_BYTES = 8 * 1024 * 1024
AUTH_ERRORS = {"AuthenticationRequired", "AccountTakedown", "InvalidToken", "ExpiredToken"}


@dataclass(frozen=True)
class Page:
    body: dict
    cursor: str | None


class BlueskyClient:
    def __init__(self, *, base_url: str | None = None, public_only: bool = False, now=time.time) -> None:
        self.base = (base_url or settings.BLUESKY_APPVIEW_URL).rstrip("/")
        self.public_only = public_only
        self.what = "Bluesky" if base_url is None else f"The Bluesky server {self.base}"
        self._now = now

    def call(self, method: str, nsid: str, *, params: dict | None = None, body: Any = None) -> dict:
        query = urlencode([(k, v) for k, v in (params or {}).items() if v is not None], doseq=True)
        url = f"{self.base}/xrpc/{nsid}" + (f"?{query}" if query else "")
        response = public_request(
            method, url, what=self.what, public_only=self.public_only, json_body=body, max_bytes=MAX_BYTES
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        status = response.status
        error = data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), str) else ""
        message = (
            data.get("message") if isinstance(data, dict) and isinstance(data.get("message"), str) else ""
        )
        if status == 429 or status >= 500:
            reset = response.headers.get("ratelimit-reset", "")
            wait = max(0.0, float(reset) - self._now()) if reset.isdigit() else None
            raise ConnectorError(
                f"{self.what} is busy or failing (HTTP {status})",
                permanent=False,
                status=status,
                retry_after=wait,
            )
        if status == 401 or error in AUTH_ERRORS:
            raise ConnectorError(
                f"{self.what} refused the sign-in ({message or error or status})",
                permanent=True,
                auth=True,
                status=status,
            )
        if status >= 400:
            raise ConnectorError(
                f"{self.what} refused the request ({message or error or f'HTTP {status}'})",
                permanent=True,
                status=status,
            )
        if not isinstance(data, dict):
            raise ConnectorError(
                f"{self.what} answered with something that is not a JSON object", permanent=False
            )
        return data

    def _page(self, nsid: str, **params: Any) -> Page:
        body = self.call("GET", nsid, params=params)
        cursor = body.get("cursor")
        return Page(body=body, cursor=cursor if isinstance(cursor, str) and cursor else None)

    # --- reads ------------------------------------------------------------------------------
    def profile(self, *, actor: str) -> dict:
        return self.call("GET", "app.bsky.actor.getProfile", params={"actor": actor})

    def author_feed(self, *, actor: str, cursor: str | None = None) -> Page:
        return self._page(
            "app.bsky.feed.getAuthorFeed", actor=actor, limit=FEED_PAGE, cursor=cursor,
            filter="posts_with_replies",
        )  # fmt: skip

    def likes(self, *, uri: str, cursor: str | None = None) -> Page:
        return self._page("app.bsky.feed.getLikes", uri=uri, limit=FEED_PAGE, cursor=cursor)

    def reposted_by(self, *, uri: str, cursor: str | None = None) -> Page:
        return self._page("app.bsky.feed.getRepostedBy", uri=uri, limit=FEED_PAGE, cursor=cursor)

    def quotes(self, *, uri: str, cursor: str | None = None) -> Page:
        return self._page("app.bsky.feed.getQuotes", uri=uri, limit=FEED_PAGE, cursor=cursor)

    def thread(self, *, uri: str) -> dict:
        return self.call(
            "GET", "app.bsky.feed.getPostThread", params={"uri": uri, "depth": 6, "parentHeight": 0}
        )

    # --- the member's PDS -------------------------------------------------------------------------
    def create_session(self, *, identifier: str, password: str) -> dict:
        return self.call(
            "POST", "com.atproto.server.createSession", body={"identifier": identifier, "password": password}
        )
