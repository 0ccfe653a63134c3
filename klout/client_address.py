"""The client's address, as every per-address limit counts it."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address allauth's own limits count: behind the operator's proxies (TRUSTED_PROXY_COUNT,
    TRUSTED_CLIENT_IP_HEADER) the one they report, otherwise the peer's.

    A request that bypassed the proxies carries fewer X-Forwarded-For entries than there are
    proxies; allauth then refuses to guess, and the peer's own address is what counts.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        return request.META.get("REMOTE_ADDR", "")
