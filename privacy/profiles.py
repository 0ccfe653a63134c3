"""Reading the public profile of an account, to find an opt-out code in its bio.

One small reader per network, all returning a ``PublicProfile``; failures are a
``ProfileError`` whose message is for the person and which says whether trying again
later may help (``transient``). Base URLs come from settings, so tests point them at a
local fake server.

A proof covers only what it proves. The bio is read from the server that speaks for the
account, and the ids returned (which are tombstoned and purged) are only those that server
vouches for:

- Mastodon: the server named in the address answers the lookup. The actor URI it gives is
  accepted when it is on that same server; otherwise (an address whose domain delegates to
  another host, or a server naming someone else's account) the actor's own host must confirm
  by WebFinger that the actor is known by this address, and the bio is read from that host.
- Bluesky: the handle resolves to a DID, and that DID's document must name the handle back
  (both ways, as the AT Protocol verifies handles); the bio is the DID's profile.
- X: X's own API says which account has the username; nobody else is asked.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.html import strip_tags

from connectors.public_http import PublicFetchError, public_get
from connectors.records import external_ids_canonical

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
        # Mastodon user names are case-insensitive: one request per account, however it is typed.
        return f"{parts[0].lower()}@{parts[1].lower()}"
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

# A profile is a few kilobytes; a DID document or WebFinger answer less.
MAX_PROFILE_BYTES = 256 * 1024


def _get_json(
    url: str, *, what: str, public_only: bool = False, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """Status and JSON body of a bounded GET (see ``connectors.public_http``); the body is None
    when an error status came without JSON."""
    try:
        response = public_get(
            url, what=what, public_only=public_only, headers=headers, max_bytes=MAX_PROFILE_BYTES
        )
    except PublicFetchError as error:
        raise ProfileError(error.message, transient=error.transient) from None
    if response.status == 429 or response.status >= 500:
        raise ProfileError(
            f"{what} is busy or failing (HTTP {response.status}); please try again in a few minutes.",
            transient=True,
        )
    try:
        body = response.json()
    except ValueError:
        if 200 <= response.status < 300:
            message = f"{what} sent an answer we could not read; please try again later."
            raise ProfileError(message, transient=True) from None
        body = None
    return response.status, body


# --- Mastodon ------------------------------------------------------------------------------


def _mastodon_base(host: str) -> tuple[str, bool]:
    """The API address of the server ``host``, and whether it was built from ``host`` (and so
    must be a public server) rather than fixed by the operator."""
    template = settings.MASTODON_INSTANCE_URL
    return template.format(instance=host).rstrip("/"), "{instance}" in template


def _mastodon_lookup(host: str, user: str, *, what: str) -> tuple[int, Any]:
    base, from_host = _mastodon_base(host)
    return _get_json(f"{base}/api/v1/accounts/lookup?acct={quote(user)}", what=what, public_only=from_host)


def _mastodon(handle: str) -> PublicProfile:
    user, instance = handle.split("@", 1)
    what = f"The Mastodon server {instance}"
    status, body = _mastodon_lookup(instance, user, what=what)
    if status == 404:
        raise ProfileError(f"No Mastodon account @{handle} was found on {instance}.", transient=False)
    if status != 200 or not isinstance(body, dict) or not body.get("id"):
        raise ProfileError(
            f"{what} answered the lookup of @{handle} with an error (HTTP {status}).", transient=True
        )
    actor = body.get("uri") if isinstance(body.get("uri"), str) else ""
    actor_host = (urlsplit(actor).hostname or "").lower() if actor.startswith("https://") else ""
    if actor_host and actor_host != instance:
        body = _mastodon_confirmed_elsewhere(handle=handle, actor=actor, actor_host=actor_host)
    elif not actor_host:
        # No actor URI we can place: only the address itself is proven.
        actor = ""
    fields = body.get("fields") if isinstance(body.get("fields"), list) else []
    texts = [_html_text(body.get("note") or "")]
    texts += [_html_text(f"{f.get('name', '')} {f.get('value', '')}") for f in fields if isinstance(f, dict)]
    # Ids the account may be stored under: its address, and its actor URI's own form (the same on
    # every server of the fediverse); both canonical (connectors.records). The actor's form
    # counts only when it names an account of the host that vouched for it: an actor address
    # such as https://evil.example/@victim@mastodon.social is another server's account.
    ids = external_ids_canonical(network="mastodon", external_ids=[handle])
    ids += [
        actor_id
        for actor_id in external_ids_canonical(network="mastodon", external_ids=[actor])
        if actor_host and actor_id.rsplit("@", 1)[-1] == actor_host
    ]
    ids = tuple(dict.fromkeys(ids))
    return PublicProfile(network="mastodon", external_ids=ids, handle=handle, bio="\n".join(texts))


def _mastodon_confirmed_elsewhere(*, handle: str, actor: str, actor_host: str) -> dict:
    """The account as its actor's own server shows it, once that server confirmed the address.

    The server named in the address said the account lives on ``actor_host``. That is how a
    domain that delegates to another host works (alice@example.com served by
    social.example.com), and also what a server would say to have someone else's account
    opted out. Only ``actor_host`` can tell the two apart: its WebFinger must answer for this
    address with this actor, and then the bio is read from it, not from the server that
    pointed there.
    """
    what = f"The Mastodon server {actor_host}"
    refused = ProfileError(
        f"@{handle} could not be confirmed: its server names an account on {actor_host}, "
        f"which does not know it by this address.",
        transient=False,
    )
    base, from_host = _mastodon_base(actor_host)
    status, finger = _get_json(
        f"{base}/.well-known/webfinger?resource={quote('acct:' + handle)}", what=what, public_only=from_host
    )
    if status in (400, 404, 410):
        raise refused
    if status != 200 or not isinstance(finger, dict):
        raise ProfileError(f"{what} answered WebFinger with an error (HTTP {status}).", transient=True)
    links = finger.get("links") if isinstance(finger.get("links"), list) else []
    selves = {
        link.get("href")
        for link in links
        if isinstance(link, dict) and link.get("rel") == "self" and "json" in str(link.get("type", ""))
    }
    if actor not in selves:
        raise refused
    local_name = actor.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    status, body = _mastodon_lookup(actor_host, local_name, what=what)
    if status != 200 or not isinstance(body, dict) or body.get("uri") != actor:
        raise refused
    return body


def _html_text(value: str) -> str:
    return html.unescape(
        strip_tags(value.replace("</p>", "\n").replace("<br>", "\n").replace("<br />", "\n"))
    )


# --- Bluesky ---------------------------------------------------------------------------


def _bluesky(handle: str) -> PublicProfile:
    base = settings.BLUESKY_APPVIEW_URL.rstrip("/")
    shown = handle_display(network="bluesky", handle=handle)
    not_found = ProfileError(f"No Bluesky account {shown} was found.", transient=False)
    if handle.startswith("did:"):
        did = handle
    else:
        did = _bluesky_resolve(base, handle, not_found=not_found)
        document = _did_document(did)
        names = document.get("alsoKnownAs") if isinstance(document.get("alsoKnownAs"), list) else []
        if f"at://{handle}" not in {str(name).lower() for name in names}:
            raise ProfileError(
                f"{shown} could not be confirmed: it points to {did}, whose record does not name it back.",
                transient=False,
            )
    status, body = _get_json(f"{base}/xrpc/app.bsky.actor.getProfile?actor={quote(did)}", what="Bluesky")
    if status in (400, 404):
        raise not_found
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("did"), str):
        raise ProfileError(
            f"Bluesky answered the profile lookup with an error (HTTP {status}).", transient=True
        )
    if body["did"] != did:
        raise ProfileError(f"Bluesky answered for another account than {shown}.", transient=True)
    return PublicProfile(
        network="bluesky",
        external_ids=(did,),
        handle=body.get("handle") or handle,
        bio=body.get("description") or "",
    )


def _bluesky_resolve(base: str, handle: str, *, not_found: ProfileError) -> str:
    status, body = _get_json(
        f"{base}/xrpc/com.atproto.identity.resolveHandle?handle={quote(handle)}", what="Bluesky"
    )
    if status in (400, 404):
        raise not_found
    did = body.get("did") if isinstance(body, dict) else None
    if status != 200 or not isinstance(did, str) or not _DID.match(did):
        raise ProfileError(
            f"Bluesky answered the handle lookup with an error (HTTP {status}).", transient=True
        )
    return did


def _did_document(did: str) -> dict:
    """The DID's document: from the PLC directory (did:plc) or the did:web host itself."""
    if did.startswith("did:plc:"):
        url = f"{settings.BLUESKY_PLC_DIRECTORY_URL.rstrip('/')}/{quote(did, safe=':')}"
        what, public_only = "The Bluesky PLC directory", False
    else:
        host = did.removeprefix("did:web:").lower()
        if not _HOSTNAME.match(host):
            raise ProfileError(f"{did} is not a DID this server can check.", transient=False)
        url, what, public_only = f"https://{host}/.well-known/did.json", f"The server {host}", True
    status, document = _get_json(url, what=what, public_only=public_only)
    if status != 200 or not isinstance(document, dict) or document.get("id") != did:
        raise ProfileError(f"{what} did not give the record of {did} (HTTP {status}).", transient=True)
    return document


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
    if str(data.get("username") or "").lower() != handle.lower() or not str(data["id"]).isdigit():
        raise ProfileError(f"X answered for another account than @{handle}.", transient=True)
    return PublicProfile(
        network="x",
        external_ids=(str(data["id"]),),
        handle=data.get("username") or handle,
        bio=data.get("description") or "",
    )
