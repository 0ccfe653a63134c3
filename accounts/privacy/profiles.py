"""Reading the public profile of an account, to find an opt-out code in its bio.

One small reader per network, all returning a ``PublicProfile``; failures are a
``ProfileError`` whose message is for the person and which says whether trying again
later may help (``transient``). Base URLs come from settings, so tests point them at a
local fake server.
"""

from __future__ import annotations

import html
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.utils.html import strip_tags

NETWORK_LABELS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "x": "X"}

_X_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_MASTODON_USER = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$")
_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_DID = re.compile(r"^did:(plc|web):[A-Za-z0-9._:%-]{1,200}$")


class ProfileError(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class PublicProfile:
    network: str
    # Every id the identity may be stored under; each gets a tombstone.
    external_ids: tuple[str, ...]
    handle: str
    # Plain text of everything the person can write on their profile (bio and fields).
    bio: str


def handle_normalize(*, network: str, raw: str) -> str:
    """The canonical handle, or ValueError with a message saying what form is expected."""
    value = (raw or "").strip()
    if network == "mastodon":
        parts = value.lstrip("@").split("@")
        if len(parts) != 2 or not _MASTODON_USER.match(parts[0]) or not _HOSTNAME.match(parts[1].lower()):
            raise ValueError("Give your Mastodon address in full, like @alice@mastodon.social.")
        return f"{parts[0]}@{parts[1].lower()}"
    if network == "bluesky":
        value = value.lstrip("@")
        if _DID.match(value):
            return value
        if not _HOSTNAME.match(value.lower()):
            raise ValueError("Give your Bluesky handle, like alice.bsky.social (or your did:plc:… id).")
        return value.lower()
    if network == "x":
        value = value.lstrip("@")
        if not _X_USERNAME.match(value):
            raise ValueError("Give your X username, like @alice: letters, digits and _ only, up to 15.")
        return value
    raise ValueError("Choose Mastodon, Bluesky or X.")


def handle_display(*, network: str, handle: str) -> str:
    return handle if network == "bluesky" and handle.startswith("did:") else f"@{handle}"


def x_bio_checks_configured() -> bool:
    return bool(getattr(settings, "X_BEARER_TOKEN", ""))


def profile_read(*, network: str, handle: str) -> PublicProfile:
    readers = {"mastodon": _mastodon, "bluesky": _bluesky, "x": _x}
    return readers[network](handle)


# --- HTTP --------------------------------------------------------------------------------


def _get_json(url: str, *, what: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    timeout = settings.PRIVACY_PROFILE_TIMEOUT_SECONDS
    try:
        # Redirects are not followed: a profile lookup has no reason to send us elsewhere,
        # and following one could reach a host the checks below did not vet.
        response = requests.get(url, headers=headers or {}, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        message = f"{what} did not answer in time; please try again in a few minutes."
        raise ProfileError(message, transient=True) from None
    except requests.RequestException:
        message = f"{what} could not be reached; please try again in a few minutes."
        raise ProfileError(message, transient=True) from None
    if response.status_code == 429 or response.status_code >= 500:
        raise ProfileError(
            f"{what} is busy or failing (HTTP {response.status_code}); please try again in a few minutes.",
            transient=True,
        )
    try:
        body = response.json()
    except ValueError:
        if response.ok:
            message = f"{what} sent an answer we could not read; please try again later."
            raise ProfileError(message, transient=True) from None
        body = None
    return response.status_code, body


def _public_host(host: str) -> None:
    """Refuse instances that resolve to this machine or a private network.

    The instance name comes from a form anyone can fill in; without this check the
    server could be made to call its own internal services.
    """
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        message = f"The server {host} was not found. Check the address after the second @."
        raise ProfileError(message, transient=False) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ProfileError(f"{host} is not a public Mastodon server.", transient=False)


# --- Mastodon ------------------------------------------------------------------------------


def _mastodon(handle: str) -> PublicProfile:
    user, instance = handle.split("@", 1)
    template = settings.MASTODON_INSTANCE_URL
    base = template.format(instance=instance).rstrip("/")
    if "{instance}" in template:
        _public_host(urlsplit(base).hostname or instance)
    what = f"The Mastodon server {instance}"
    status, body = _get_json(f"{base}/api/v1/accounts/lookup?acct={quote(user)}", what=what)
    if status == 404:
        raise ProfileError(f"No Mastodon account @{handle} was found on {instance}.", transient=False)
    if status != 200 or not isinstance(body, dict) or not body.get("id"):
        raise ProfileError(
            f"{what} answered the lookup of @{handle} with an error (HTTP {status}).", transient=True
        )
    fields = body.get("fields") if isinstance(body.get("fields"), list) else []
    texts = [_html_text(body.get("note") or "")]
    texts += [_html_text(f"{f.get('name', '')} {f.get('value', '')}") for f in fields if isinstance(f, dict)]
    # Ids the Mastodon connector may store the account under: the actor URI (the same
    # everywhere in the fediverse) and the canonical user@instance address.
    ids = tuple(i for i in (body.get("uri") or "", handle.lower()) if i)
    return PublicProfile(network="mastodon", external_ids=ids, handle=handle, bio="\n".join(texts))


def _html_text(value: str) -> str:
    return html.unescape(
        strip_tags(value.replace("</p>", "\n").replace("<br>", "\n").replace("<br />", "\n"))
    )


# --- Bluesky ---------------------------------------------------------------------------


def _bluesky(handle: str) -> PublicProfile:
    base = settings.BLUESKY_APPVIEW_URL.rstrip("/")
    what = "Bluesky"
    status, body = _get_json(f"{base}/xrpc/app.bsky.actor.getProfile?actor={quote(handle)}", what=what)
    if status == 400 and isinstance(body, dict) and body.get("error") in ("InvalidRequest", "NotFound", None):
        raise ProfileError(
            f"No Bluesky account {handle_display(network='bluesky', handle=handle)} was found.",
            transient=False,
        )
    if status == 404:
        raise ProfileError(
            f"No Bluesky account {handle_display(network='bluesky', handle=handle)} was found.",
            transient=False,
        )
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("did"), str):
        raise ProfileError(
            f"Bluesky answered the profile lookup with an error (HTTP {status}).", transient=True
        )
    return PublicProfile(
        network="bluesky",
        external_ids=(body["did"],),
        handle=body.get("handle") or handle,
        bio=body.get("description") or "",
    )


# --- X ------------------------------------------------------------------------------------


def _x(handle: str) -> PublicProfile:
    if not x_bio_checks_configured():
        raise ProfileError("X bio checks are not configured on this server.", transient=False)
    base = settings.X_API_BASE_URL.rstrip("/")
    status, body = _get_json(
        f"{base}/2/users/by/username/{quote(handle)}?user.fields=description",
        what="X",
        headers={"Authorization": f"Bearer {settings.X_BEARER_TOKEN}"},
    )
    data = body.get("data") if isinstance(body, dict) else None
    if status == 404 or (status == 200 and not data and isinstance(body, dict) and body.get("errors")):
        raise ProfileError(f"No X account @{handle} was found.", transient=False)
    if status in (401, 403):
        raise ProfileError(
            "X refused this server's credentials; the operator must check X_BEARER_TOKEN.", transient=False
        )
    if status != 200 or not isinstance(data, dict) or not data.get("id"):
        raise ProfileError(f"X answered the profile lookup with an error (HTTP {status}).", transient=True)
    return PublicProfile(
        network="x",
        external_ids=(str(data["id"]),),
        handle=data.get("username") or handle,
        bio=data.get("description") or "",
    )
