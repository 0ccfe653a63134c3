"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
# Playwright's sync API runs an event loop in the test thread; the ORM calls that browser tests
# make between page actions are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(condition: bool, reason: str) -> None:
    """Skip on a developer machine that lacks a service; fail in CI, where it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees what another cached (pages are cached by member id and day, which repeat)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def fixtures_dir() -> Path:
    require(FIXTURES.is_dir(), f"recorded fixtures not found at {FIXTURES}")
    return FIXTURES
