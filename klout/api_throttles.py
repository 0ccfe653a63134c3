"""The API's throttles: per token at each endpoint's scope, and per address without one.

Apart from ``klout.api`` because DRF imports the default throttle classes while its own views
module loads, which ``klout.api`` needs.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from klout.client_address import client_address


class TokenRateThrottle(SimpleRateThrottle):
    """Per token (or per signed-in person, for the pages' own calls), at the view's scope:
    ``<scope>`` in ``DEFAULT_THROTTLE_RATES``."""

    def __init__(self):
        # The rate is known only with the view (its throttle_scope): see allow_request.
        pass

    def get_cache_key(self, request: Request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        token = request.auth
        who = f"token-{token.pk}" if getattr(token, "pk", None) else f"user-{request.user.pk}"
        return f"throttle:{self.scope}:{who}"

    def allow_request(self, request: Request, view) -> bool:
        self.scope = getattr(view, "throttle_scope", "scores")
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AddressRateThrottle(SimpleRateThrottle):
    """Per client address (``anon`` in ``DEFAULT_THROTTLE_RATES``): requests with no credentials,
    counted before authentication, and, apart, keys that failed (a guesser's attempts)."""

    scope = "anon"

    def __init__(self, *, failed_key: bool = False):
        super().__init__()
        self.failed_key = failed_key

    def get_cache_key(self, request, view) -> str | None:
        django_request = getattr(request, "_request", request)
        if self.failed_key:
            return f"throttle:anon-failed:{client_address(django_request)}"
        if django_request.META.get("HTTP_AUTHORIZATION"):
            return None  # a token: counted per token once it is known, or as a failed key
        user = getattr(django_request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return f"throttle:anon:{client_address(django_request)}"


def address_throttle_check(request, *, failed_key: bool = False) -> None:
    """Raise ``Throttled`` (a 429 with ``Retry-After``) once this address is over its rate."""
    throttle = AddressRateThrottle(failed_key=failed_key)
    if not throttle.allow_request(request, None):
        raise exceptions.Throttled(wait=throttle.wait())
