"""A client for the parts of a Mastodon server's REST API that a sync reads.

Every request goes through ``connectors.public_http`` (the server is one a member named: its
addresses are checked and pinned, with a deadline and a byte cap) and every failure leaves as a
``ConnectorError`` that says whether trying again can help:

- 401, or 403 for a scope the token lacks: the member's authorisation is gone (permanent, auth);
- 404 and 410: the object is gone (permanent); other 4xx: refused (permanent);
- 429 and 5xx, timeouts, cut connections, an answer that is not JSON: transient, with the wait
  the server asked for when it said (``X-RateLimit-Reset``).

The server's ``X-RateLimit-Remaining`` is kept: once it reaches 0, the next call does not go
out before the reset, and raises the wait instead, as a 429 would.
Lists page backwards by the ``max_id`` of their ``Link: <...>; rel="next"`` header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from connectors.errors import ConnectorError
from connectors.mastodon.instances import server_base
from connectors.public_http import public_request

PAGE_STATUSES = 40  # the most /statuses and /notifications serve
PAGE_ACCOUNTS = 80  # the most favourited_by and reblogged_by serve
MAX_BYTES = 8 * 1024 * 1024
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class Page:
    items: list[dict]
    # The max_id of the next (older) page, when the server says there is one.
    next_max_id: str | None = None


def _reset_seconds(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    try:
        reset = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if reset.tzinfo is None:
        reset = reset.replace(tzinfo=UTC)
    return max(0.0, (reset - now).total_seconds())


def next_max_id(link: str | None) -> str | None:
    found = _NEXT.search(link or "")
    if not found:
        return None
    values = parse_qs(urlsplit(found.group(1)).query).get("max_id")
    return values[0] if values else None


class MastodonClient:
    def __init__(self, *, host: str, access_token: str = "", now=None) -> None:
        self.host = host
        self.base, self.public_only = server_base(host)
        self.access_token = access_token
        self.what = f"The Mastodon server {host}"
        self._now = now or (lambda: datetime.now(UTC))
        self.rate_remaining: int | None = None
        self.rate_reset_at: datetime | None = None

    # --- plumbing --------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict | None = None, form: dict | None = None):
        """The JSON body and headers of one call; ConnectorError on any failure."""
        if self.rate_remaining == 0 and self.rate_reset_at and self.rate_reset_at > self._now():
            raise ConnectorError(
                f"{self.what}'s rate limit is used up until its reset",
                permanent=False,
                status=429,
                retry_after=(self.rate_reset_at - self._now()).total_seconds(),
            )
        query = urlencode([(k, v) for k, v in (params or {}).items() if v is not None], doseq=True)
        url = f"{self.base}{path}" + (f"?{query}" if query else "")
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        response = public_request(
            method, url, what=self.what, public_only=self.public_only, form=form, headers=headers,
            max_bytes=MAX_BYTES,
        )  # fmt: skip
        now = self._now()
        remaining = response.headers.get("x-ratelimit-remaining", "")
        self.rate_remaining = int(remaining) if remaining.isdigit() else None
        wait = _reset_seconds(response.headers.get("x-ratelimit-reset"), now)
        self.rate_reset_at = now + timedelta(seconds=wait) if wait is not None else None
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status
        if status == 429 or status >= 500:
            raise ConnectorError(
                f"{self.what} is busy or failing (HTTP {status})",
                permanent=False,
                status=status,
                retry_after=wait if status == 429 else None,
            )
        detail = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), str) else ""
        if status == 401 or (status == 403 and "scope" in detail.lower()):
            raise ConnectorError(
                f"{self.what} no longer accepts this access ({detail or status})",
                permanent=True,
                auth=True,
                status=status,
            )
        if status >= 400:
            raise ConnectorError(
                f"{self.what} refused the request (HTTP {status}{': ' + detail if detail else ''})",
                permanent=True,
                status=status,
            )
        if body is None:
            raise ConnectorError(f"{self.what} answered with something that is not JSON", permanent=False)
        return body, response.headers

    def _page(self, path: str, **params: Any) -> Page:
        body, headers = self.request("GET", path, params=params)
        if not isinstance(body, list):
            raise ConnectorError(f"{self.what} answered a list with something else", permanent=False)
        return Page(
            items=[item for item in body if isinstance(item, dict)],
            next_max_id=next_max_id(headers.get("link")),
        )

    def _object(self, path: str, **params: Any) -> dict:
        body, _ = self.request("GET", path, params=params)
        if not isinstance(body, dict):
            raise ConnectorError(f"{self.what} answered an object with something else", permanent=False)
        return body

    # --- the calls a sync makes --------------------------------------------------------------
    def me(self) -> dict:
        return self._object("/api/v1/accounts/verify_credentials")

    def account_lookup(self, *, acct: str) -> dict:
        return self._object("/api/v1/accounts/lookup", acct=acct)

    def statuses(self, *, account_id: str, since_id: str | None = None, max_id: str | None = None) -> Page:
        return self._page(
            f"/api/v1/accounts/{account_id}/statuses", limit=PAGE_STATUSES, since_id=since_id, max_id=max_id
        )

    def mentions(self, *, since_id: str | None = None, max_id: str | None = None) -> Page:
        return self._page(
            "/api/v1/notifications", **{"types[]": "mention"}, limit=PAGE_STATUSES, since_id=since_id,
            max_id=max_id,
        )  # fmt: skip

    def favourited_by(self, *, status_id: str, max_id: str | None = None) -> Page:
        return self._page(f"/api/v1/statuses/{status_id}/favourited_by", limit=PAGE_ACCOUNTS, max_id=max_id)

    def reblogged_by(self, *, status_id: str, max_id: str | None = None) -> Page:
        return self._page(f"/api/v1/statuses/{status_id}/reblogged_by", limit=PAGE_ACCOUNTS, max_id=max_id)

    def quotes(self, *, status_id: str, max_id: str | None = None) -> Page:
        return self._page(f"/api/v1/statuses/{status_id}/quotes", limit=PAGE_STATUSES, max_id=max_id)

    def context(self, *, status_id: str) -> dict:
        return self._object(f"/api/v1/statuses/{status_id}/context")

    # --- registering the app and signing in (oauth.py) ------------------------------------------
    def post_form(self, path: str, form: dict[str, str]) -> dict:
        body, _ = self.request("POST", path, form=form)
        if not isinstance(body, dict):
            raise ConnectorError(f"{self.what} answered an object with something else", permanent=False)
        return body
