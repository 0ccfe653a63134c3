"""Reading an account's public profile, for the public opt-out (``privacy.challenges``).

Each network that can prove control of an account by a code in its bio has a ``profile.py``
(named by its registry entry, ``connectors.registry``) with:

- ``handle_normalize(raw) -> str``: the canonical handle, or ValueError saying what form is
  expected;
- ``handle_display(handle) -> str``: the handle as people write it;
- ``profile_read(handle) -> PublicProfile``, raising ``ConnectorError`` (whose message is for
  the person, and ``transient`` says whether trying again later may help);
- ``configured() -> bool``: whether this server can read such profiles (credentials set).

A proof covers only what it proves: the bio is read from the server that speaks for the
account, and the ids returned (which are tombstoned and purged) are only those that server
vouches for. Base URLs come from settings, so tests point them at a local fake server.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags

from connectors.errors import ConnectorError
from connectors.public_http import public_get

HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# A profile is a few kilobytes; a DID document or WebFinger answer less.
MAX_PROFILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class PublicProfile:
    network: str
    # Every id the identity may be stored under; each gets a tombstone.
    external_ids: tuple[str, ...]
    handle: str
    # Plain text of everything the person can write on their profile (bio and fields).
    bio: str


def profile_error(message: str, *, transient: bool) -> ConnectorError:
    return ConnectorError(message, permanent=not transient)


def get_json(
    url: str, *, what: str, public_only: bool = False, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """Status and JSON body of a bounded GET (see ``connectors.public_http``); the body is None
    when an error status came without JSON."""
    # A failed fetch raises PublicFetchError, a ConnectorError whose message is for the person.
    response = public_get(
        url, what=what, public_only=public_only, headers=headers, max_bytes=MAX_PROFILE_BYTES
    )
    if response.status == 429 or response.status >= 500:
        raise profile_error(
            f"{what} is busy or failing (HTTP {response.status}); please try again in a few minutes.",
            transient=True,
        )
    try:
        body = response.json()
    except ValueError:
        if 200 <= response.status < 300:
            message = f"{what} sent an answer we could not read; please try again later."
            raise profile_error(message, transient=True) from None
        body = None
    return response.status, body


def html_text(value: str) -> str:
    return html.unescape(
        strip_tags(value.replace("</p>", "\n").replace("<br>", "\n").replace("<br />", "\n"))
    )
