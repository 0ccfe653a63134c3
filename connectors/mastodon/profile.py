"""Mastodon accounts' public profiles, for the public opt-out (see ``connectors.profiles``).

The server named in the address answers the lookup. The actor URI it gives is accepted when it
is on that same server; otherwise (an address whose domain delegates to another host, or a
server naming someone else's account) the actor's own host must confirm by WebFinger that the
actor is known by this address, and the bio is read from that host.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from connectors.mastodon.instances import server_base
from connectors.profiles import HOSTNAME, PublicProfile, get_json, html_text, profile_error
from connectors.records import external_ids_canonical

_USER = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$")


def configured() -> bool:
    return True


def handle_normalize(raw: str) -> str:
    value = (raw or "").strip()
    parts = value.lstrip("@").split("@")
    if len(parts) != 2 or not _USER.match(parts[0]) or not HOSTNAME.match(parts[1].lower()):
        raise ValueError("Give your Mastodon address in full, like @alice@mastodon.social.")
    # Mastodon user names are case-insensitive: one request per account, however it is typed.
    return f"{parts[0].lower()}@{parts[1].lower()}"


def handle_display(handle: str) -> str:
    return f"@{handle}"


def _lookup(host: str, user: str, *, what: str) -> tuple[int, Any]:
    base, from_host = server_base(host)
    return get_json(f"{base}/api/v1/accounts/lookup?acct={quote(user)}", what=what, public_only=from_host)


def profile_read(handle: str) -> PublicProfile:
    user, instance = handle.split("@", 1)
    what = f"The Mastodon server {instance}"
    status, body = _lookup(instance, user, what=what)
    if status == 404:
        raise profile_error(f"No Mastodon account @{handle} was found on {instance}.", transient=False)
    if status != 200 or not isinstance(body, dict) or not body.get("id"):
        raise profile_error(
            f"{what} answered the lookup of @{handle} with an error (HTTP {status}).", transient=True
        )
    actor = body.get("uri") if isinstance(body.get("uri"), str) else ""
    actor_host = (urlsplit(actor).hostname or "").lower() if actor.startswith("https://") else ""
    if actor_host and actor_host != instance:
        body = _confirmed_elsewhere(handle=handle, actor=actor, actor_host=actor_host)
    elif not actor_host:
        # No actor URI we can place: only the address itself is proven.
        actor = ""
    fields = body.get("fields") if isinstance(body.get("fields"), list) else []
    texts = [html_text(body.get("note") or "")]
    texts += [html_text(f"{f.get('name', '')} {f.get('value', '')}") for f in fields if isinstance(f, dict)]
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


def _confirmed_elsewhere(*, handle: str, actor: str, actor_host: str) -> dict:
    """The account as its actor's own server shows it, once that server confirmed the address.

    The server named in the address said the account lives on ``actor_host``. That is how a
    domain that delegates to another host works (alice@example.com served by
    social.example.com), and also what a server would say to have someone else's account
    opted out. Only ``actor_host`` can tell the two apart: its WebFinger must answer for this
    address with this actor, and then the bio is read from it, not from the server that
    pointed there.
    """
    what = f"The Mastodon server {actor_host}"
    refused = profile_error(
        f"@{handle} could not be confirmed: its server names an account on {actor_host}, "
        f"which does not know it by this address.",
        transient=False,
    )
    base, from_host = server_base(actor_host)
    status, finger = get_json(
        f"{base}/.well-known/webfinger?resource={quote('acct:' + handle)}", what=what, public_only=from_host
    )
    if status in (400, 404, 410):
        raise refused
    if status != 200 or not isinstance(finger, dict):
        raise profile_error(f"{what} answered WebFinger with an error (HTTP {status}).", transient=True)
    links = finger.get("links") if isinstance(finger.get("links"), list) else []
    selves = {
        link.get("href")
        for link in links
        if isinstance(link, dict) and link.get("rel") == "self" and "json" in str(link.get("type", ""))
    }
    if actor not in selves:
        raise refused
    local_name = actor.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    status, body = _lookup(actor_host, local_name, what=what)
    if status != 200 or not isinstance(body, dict) or body.get("uri") != actor:
        raise refused
    return body
