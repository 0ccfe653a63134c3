"""Meta's Graph API, as the Instagram and Facebook connectors speak it: sign-in, tokens, calls.

- **Sign-in** is Facebook Login (for Business): OAuth 2.0 with ``state`` and PKCE
  (``connectors.oauth2``). The code gives a short-lived user token (about two hours), at once
  traded for a long-lived one (about sixty days, ``fb_exchange_token``), which a sync trades
  again for a fresh one when it has less than a week left, before it dies.
- **Calls** are GETs of ``/{version}/{path}`` with the token, and ``appsecret_proof`` (an
  HMAC-SHA256 of the token under the app secret, which Meta asks for so that a stolen token
  alone cannot be used from elsewhere). Pages are followed by ``paging.cursors.after``.
- **Errors** come as ``{"error": {"code": …, "error_subcode": …, "message": …}}``: codes 4, 17,
  32, 613 and 80001-80014 are rate limits, transient, waiting what Meta's usage headers say
  (``X-Business-Use-Case-Usage``'s ``estimated_time_to_regain_access``, in minutes) or backing
  off; 190 (an expired or revoked token) and 102 permanent and about the member's
  authorisation, as are the permission errors (10, 200-299); 1, 2 and 5xx transient; the rest
  permanent. Every failure leaves as a ConnectorError.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from connectors import oauth2
from connectors.errors import ConnectorError
from connectors.oauth2 import AuthorizationRequest, Tokens

log = logging.getLogger(__name__)

GRAPH_VERSION = "v21.0"
DEFAULT_BASE_URL = "https://graph.facebook.com"
AUTHORIZE_URL = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
# A long-lived token is traded for a new one when it has less than this left.
REFRESH_BEFORE = timedelta(days=7)
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80001, 80015))
AUTH_CODES = frozenset({102, 190}) | frozenset({10}) | frozenset(range(200, 300))
TRANSIENT_CODES = frozenset({1, 2})


def meta_configured() -> bool:
    return bool(getattr(settings, "META_APP_ID", "") and getattr(settings, "META_APP_SECRET", ""))


def _app() -> tuple[str, str]:
    if not meta_configured():
        raise ConnectorError(
            "Meta sign-in is not configured on this server (META_APP_ID and META_APP_SECRET are not set)",
            permanent=True,
        )
    return settings.META_APP_ID, settings.META_APP_SECRET


def base_url() -> str:
    return (getattr(settings, "META_GRAPH_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def authorization_start(*, redirect_uri: str, scopes: tuple[str, ...]) -> AuthorizationRequest:
    app_id, _ = _app()
    return oauth2.pkce_authorization(
        client_id=app_id, authorize_url=AUTHORIZE_URL, redirect_uri=redirect_uri, scopes=scopes
    )


def _token_url() -> str:
    return f"{base_url()}/{GRAPH_VERSION}/oauth/access_token"


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    """The code's exchange, then the short-lived token traded for a long-lived one."""
    app_id, secret = _app()
    short = oauth2.token_request(
        url=_token_url(),
        data={
            "client_id": app_id,
            "client_secret": secret,
            "redirect_uri": redirect_uri,
            "code": code,
            "code_verifier": code_verifier,
        },
        label="Meta",
    )
    return token_extend(access_token=short.access_token)


def token_extend(*, access_token: str) -> Tokens:
    """A long-lived user token for ``access_token`` (short- or long-lived, still valid)."""
    app_id, secret = _app()
    tokens = oauth2.token_request(
        url=_token_url(),
        data={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": secret,
            "fb_exchange_token": access_token,
        },
        label="Meta",
    )
    # Meta's long-lived tokens last about sixty days; an answer without expires_in is one.
    expires_at = tokens.expires_at or timezone.now() + timedelta(days=60)
    return Tokens(
        access_token=tokens.access_token, refresh_token="", expires_at=expires_at, scopes=tokens.scopes
    )


def token_due(*, expires_at) -> bool:
    return expires_at is not None and expires_at - REFRESH_BEFORE <= timezone.now()


def _regain_seconds(response: requests.Response) -> float | None:
    raw = response.headers.get("X-Business-Use-Case-Usage")
    try:
        usage = json.loads(raw) if raw else {}
        minutes = max(
            float(entry.get("estimated_time_to_regain_access") or 0)
            for entries in usage.values()
            for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return minutes * 60 if minutes > 0 else None


def _error_for(response: requests.Response, body: Any, path: str) -> ConnectorError:
    status = response.status_code
    error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = str(error.get("message") or response.reason or "no detail")[:300]
    if code in RATE_LIMIT_CODES or status == 429:
        return ConnectorError(
            f"Meta's rate limit reached on {path} (code {code})",
            permanent=False,
            retry_after=_regain_seconds(response),
            status=429,
        )
    if code in AUTH_CODES or status == 401:
        return ConnectorError(
            f"Meta rejected the access ({message}); it expired or was revoked",
            permanent=True,
            auth=True,
            status=status,
        )
    if code in TRANSIENT_CODES or status >= 500:
        return ConnectorError(
            f"Meta failed on {path} with {status} ({message})", permanent=False, status=status
        )
    return ConnectorError(f"Meta refused {path} with {status} ({message})", permanent=True, status=status)


class GraphClient:
    """GETs of the Graph API, each returning its JSON object."""

    def __init__(
        self, *, access_token: str, base: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT
    ) -> None:
        self._token = access_token
        self._base = (base or base_url()).rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        secret = getattr(settings, "META_APP_SECRET", "") or ""
        self._proof = (
            hmac.new(secret.encode(), access_token.encode(), hashlib.sha256).hexdigest() if secret else ""
        )

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        query = {k: v for k, v in params.items() if v is not None}
        query["access_token"] = self._token
        if self._proof:
            query["appsecret_proof"] = self._proof
        url = f"{self._base}/{GRAPH_VERSION}/{path.lstrip('/')}"
        try:
            response = self._session.get(url, params=query, timeout=self._timeout)
        except requests.Timeout:
            raise ConnectorError(f"Meta did not answer {path} in time", permanent=False) from None
        except requests.RequestException as exc:
            # Not the exception's text: it holds the URL, and with it the token.
            raise ConnectorError(
                f"Meta could not be reached for {path} ({type(exc).__name__})", permanent=False
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.ok or (isinstance(body, dict) and "error" in body):
            raise _error_for(response, body, path)
        if not isinstance(body, dict):
            raise ConnectorError(
                "Meta returned a response that is not valid JSON (truncated?)", permanent=False
            )
        log.debug("Meta %s -> %s", path, response.status_code)
        return body


def next_cursor(page: dict[str, Any]) -> str | None:
    """The ``after`` cursor of a page that has a next one."""
    paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
    after = paging.get("cursors", {}).get("after") if isinstance(paging.get("cursors"), dict) else None
    return after if paging.get("next") and isinstance(after, str) and 0 < len(after) <= 2000 else None
