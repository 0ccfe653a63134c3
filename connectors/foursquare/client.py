"""A client for the Foursquare Places API v2 (the user's own data: profile, check-ins, tips).

Plain ``requests``: the API is a handful of GETs with the token in the query. Every answer is an
envelope, ``{"meta": {"code": …, "errorType": …}, "response": {…}}``; every failure leaves as
a :class:`~connectors.errors.ConnectorError`: ``invalid_auth`` permanent and about the
member's authorisation; ``rate_limit_exceeded`` (a 403 or 429, with ``X-RateLimit-Reset`` in
epoch seconds), 5xx, timeouts and truncated bodies transient; the rest permanent.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests

from connectors.errors import ConnectorError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.foursquare.com"
# The API version this client is written against (Foursquare asks every call to name one).
API_VERSION = "20240601"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
PAGE_SIZE = 250  # the most /users/self/checkins serves


def _seconds_until_reset(response: requests.Response) -> float | None:
    raw = response.headers.get("X-RateLimit-Reset")
    try:
        return max(0.0, float(raw) - time.time()) if raw else None
    except ValueError:
        return None


class FoursquareClient:
    def __init__(
        self,
        *,
        access_token: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self._token = access_token
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()

    def me(self) -> dict[str, Any]:
        return self._get("/v2/users/self", {})

    def checkins(self, *, after: int | None, offset: int = 0) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": PAGE_SIZE, "offset": offset, "sort": "oldestfirst"}
        if after is not None:
            params["afterTimestamp"] = after
        return self._get("/v2/users/self/checkins", params)

    def tips(self, *, offset: int = 0) -> dict[str, Any]:
        return self._get("/v2/users/self/tips", {"limit": PAGE_SIZE, "offset": offset, "sort": "recent"})

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        query = {**params, "oauth_token": self._token, "v": API_VERSION}
        try:
            response = self._session.get(self._base + path, params=query, timeout=self._timeout)
        except requests.Timeout:
            raise ConnectorError(f"Foursquare did not answer {path} in time", permanent=False) from None
        except requests.RequestException as exc:
            # Not the exception's text: it holds the URL, and with it the token.
            raise ConnectorError(
                f"Foursquare could not be reached for {path} ({type(exc).__name__})", permanent=False
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        meta = body.get("meta") if isinstance(body, dict) and isinstance(body.get("meta"), dict) else {}
        error_type = str(meta.get("errorType") or "")
        detail = str(meta.get("errorDetail") or response.reason or "no detail")
        status = response.status_code
        if status == 401 or error_type in ("invalid_auth", "token_expired"):
            raise ConnectorError(
                f"Foursquare rejected the access token ({detail}); it was revoked",
                permanent=True,
                status=status,
                auth=True,
            )
        if status == 429 or error_type == "rate_limit_exceeded" or error_type == "quota_exceeded":
            raise ConnectorError(
                f"Foursquare rate limit reached on {path}",
                permanent=False,
                retry_after=_seconds_until_reset(response),
                status=429,
            )
        if status >= 500:
            raise ConnectorError(f"Foursquare failed on {path} with {status}", permanent=False, status=status)
        if status >= 400:
            raise ConnectorError(
                f"Foursquare refused {path} with {status} ({detail})", permanent=True, status=status
            )
        if not isinstance(body, dict) or not isinstance(body.get("response"), dict):
            # A 200 whose body is cut off or not the envelope: the answer failed mid-way.
            raise ConnectorError(
                "Foursquare returned a response that is not valid JSON (truncated?)", permanent=False
            )
        log.debug("Foursquare %s -> %s", path, status)
        return body["response"]
