"""Strict readers for settings that come from the environment.

Every helper raises ``ImproperlyConfigured`` with one sentence naming the variable and
what was wrong, so a bad deployment stops at start instead of misbehaving later.
Secrets may be given as ``NAME_FILE`` (a path whose content is the value), the way
Docker and Kubernetes secrets are mounted.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def env_str(name: str, default: str | None | object = _UNSET) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc.strerror}") from None
    if name in os.environ:
        return os.environ[name]
    if default is _UNSET:
        raise ImproperlyConfigured(f"{name} must be set")
    return default  # type: ignore[return-value]


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (``postgres://…``, ``sqlite:///…``) into Django's DATABASES entry."""
    import dj_database_url

    url = env_str(name, default)
    supported = ("postgres://", "postgresql://", "pgsql://", "sqlite://")
    if not url or not url.startswith(supported):
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a supported database URL "
            "(expected postgres://USER@HOST:PORT/NAME or sqlite:///PATH)"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # the parser raises several unrelated types
        raise ImproperlyConfigured(f"{name}={url!r} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # Several processes (web, worker, beat) share the file: wait for locks, don't fail.
        config.setdefault("OPTIONS", {})["timeout"] = 20
    return config


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    url = env_str(name, default)
    if url is None:
        return None
    if not url.startswith(tuple(f"{s}://" for s in schemes)):
        raise ImproperlyConfigured(f"{name}={url!r} must be a URL starting with one of: {', '.join(schemes)}")
    return url
