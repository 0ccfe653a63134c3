"""Deployment checks of Klout's own, shown by ``manage.py check --deploy`` beside Django's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def rate_limits_shared(app_configs, **kwargs):
    """Sign-in and sign-up limits are counted in the cache: without Redis, per process."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "Rate limits (sign-in, sign-up, password reset) are counted per process: without "
                "REDIS_URL each web worker keeps its own counts, so N workers allow N times the limit.",
                hint="Set REDIS_URL so that every process shares one count.",
                id="klout.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def proxy_addresses(app_configs, **kwargs):
    if settings.BEHIND_TLS_PROXY and not (
        settings.ALLAUTH_TRUSTED_PROXY_COUNT or settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
    ):
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but no proxy is trusted for the client's address: every "
                "request would count against the proxy's own address.",
                hint="Set TRUSTED_PROXY_COUNT (proxies in front of Klout) or TRUSTED_CLIENT_IP_HEADER.",
                id="klout.W002",
            )
        ]
    return []
