"""What protects a deployment: the admin's sign-in limit, client addresses behind a proxy, HTTPS."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from klout.client_address import client_address
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_signs_in_through_the_sites_rate_limited_sign_in(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Its own form, which had no limit, takes no password any more.
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.post("/admin/login/", {"username": "staff@example.com", "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_are_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    UserFactory(email="staff@example.com", is_staff=True)
    url = reverse("account_login")
    pages = [
        client.post(url, {"login": "staff@example.com", "password": "wrong"}).content.decode()
        for _ in range(5)
    ]
    assert not any("Too many failed login attempts" in page for page in pages[:3])
    assert all("Too many failed login attempts" in page for page in pages[3:])
    # Even the right password is refused until the limit passes.
    right = client.post(url, {"login": "staff@example.com", "password": DEFAULT_PASSWORD})
    assert "Too many failed login attempts" in right.content.decode()


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)


def test_behind_a_proxy_the_client_is_the_address_the_proxy_added(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client sent its own X-Forwarded-For (forged); the proxy appended the real peer.
    request = _request(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.2"


def test_a_request_that_bypassed_the_proxy_counts_its_peer(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.2"


def test_a_trusted_client_header_set_by_the_proxy_wins(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_address(_request(HTTP_X_REAL_IP="203.0.113.50")) == "203.0.113.50"


def test_opt_out_requests_are_limited_per_client_behind_the_proxy(client, settings):
    from privacy.audit import subject_digest
    from privacy.models import OptOutChallenge

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("privacy:public"),
        {"network": "bluesky", "handle": "someone.bsky.social"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert OptOutChallenge.objects.get().requester_digest == subject_digest(
        kind="requester", key="198.51.100.7"
    )


def test_check_deploy_warns_that_limits_are_per_process_without_redis(settings, capsys):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="klout.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_hsts_and_the_https_redirect_come_from_the_environment(monkeypatch):
    import importlib
    import os

    monkeypatch.setenv("SECURE_HSTS_SECONDS", "31536000")
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "1")
    monkeypatch.setenv("SECURE_HSTS_INCLUDE_SUBDOMAINS", "yes")
    import klout.settings as live

    try:
        fresh = importlib.reload(live)
        assert (
            fresh.SECURE_HSTS_SECONDS,
            fresh.SECURE_SSL_REDIRECT,
            fresh.SECURE_HSTS_INCLUDE_SUBDOMAINS,
        ) == (
            31536000,
            True,
            True,
        )
    finally:
        for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_INCLUDE_SUBDOMAINS"):
            os.environ.pop(name, None)
        importlib.reload(live)
