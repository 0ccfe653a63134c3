"""One bounded GET, for servers that the public names (a Mastodon instance, a did:web host).

A form anyone can fill in decides which host the server calls, so the call must neither reach
this machine's private network nor let a slow or huge answer hold a worker:

- **Resolve, check, then connect to what was checked.** The host name is resolved once; every
  address it resolves to must be public (``is_global``), and the connection goes to that
  address (TLS still verifies the certificate for the host name). Resolving again at connect
  time, as a plain HTTP client does, would let a DNS answer that changes in between (DNS
  rebinding) point the request at 127.0.0.1 or 10.0.0.0/8 after the check.
- **An overall deadline**, not only a per-read timeout: a server sending a byte a second never
  trips a read timeout. A timer shuts the socket down when the deadline passes, whatever the
  request is waiting for (connecting, TLS, headers or body).
- **A byte cap**: a declared ``Content-Length`` above it is refused before the body is read,
  and a body that grows past it is cut off.
- **No redirects**: a lookup has no reason to send us elsewhere, and following one would reach
  a host these checks did not vet.

Addresses the operator configured (an AppView, X's API) may be private; only hosts taken from
what a person typed are checked (``public_only``). ``OUTBOUND_ALLOW_PRIVATE_ADDRESSES`` turns
the check off for tests, whose fake servers listen on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_MAX_BYTES = 1024 * 1024
_USER_AGENT = "Klout (+https://github.com/klout; influence scores, opt-out checks)"


class PublicFetchError(Exception):
    """The request failed; ``message`` is for a person, ``transient`` says whether a later try may work."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class FetchedResponse:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or ValueError."""
        return json.loads(self.body.decode("utf-8"))


def _addresses(host: str, port: int, *, public_only: bool, what: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise PublicFetchError(f"{what} was not found (no address for {host}).", transient=False) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise PublicFetchError(f"{what} was not found (no address for {host}).", transient=False)
    if public_only and not getattr(settings, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False):
        for address in addresses:
            if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
                raise PublicFetchError(f"{host} is not a public server.", transient=False)
    return addresses


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address resolved beforehand, named ``host`` to the server."""

    def __init__(self, *, host: str, address: str, port: int, tls: bool, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=self.timeout)
        if self._tls:
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def public_get(
    url: str,
    *,
    what: str,
    public_only: bool,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FetchedResponse:
    """GET ``url`` within ``deadline`` seconds in all and ``max_bytes`` of body.

    ``what`` names the server in error messages ("The Mastodon server example.social").
    Raises ``PublicFetchError``; any status is returned as it is (redirects included).
    """
    timeout = timeout or settings.PRIVACY_PROFILE_TIMEOUT_SECONDS
    deadline = deadline or getattr(settings, "PRIVACY_PROFILE_DEADLINE_SECONDS", 3 * timeout)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise PublicFetchError(f"{what} has no valid address.", transient=False)
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    started = time.monotonic()
    address = _addresses(parts.hostname, port, public_only=public_only, what=what)[0]
    connection = _Connection(
        host=parts.hostname, address=address, port=port, tls=tls, timeout=min(timeout, deadline)
    )
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(max(0.0, deadline - (time.monotonic() - started)), stop)
    timer.daemon = True
    timer.start()
    try:
        connection.request(
            "GET",
            target,
            headers={"Accept": "application/json", "User-Agent": _USER_AGENT, **(headers or {})},
        )
        response = connection.getresponse()
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise PublicFetchError(f"{what} sent an answer too large to read.", transient=False)
        body = bytearray()
        while chunk := response.read1(64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                raise PublicFetchError(f"{what} sent an answer too large to read.", transient=False)
            if expired.is_set():
                break
        if expired.is_set():
            raise TimeoutError
        return FetchedResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=bytes(body),
        )
    except PublicFetchError:
        raise
    except TimeoutError:
        raise PublicFetchError(
            f"{what} did not answer in time; please try again in a few minutes.", transient=True
        ) from None
    except (OSError, http.client.HTTPException, ssl.SSLError):
        if expired.is_set():
            raise PublicFetchError(
                f"{what} did not answer in time; please try again in a few minutes.", transient=True
            ) from None
        raise PublicFetchError(
            f"{what} could not be reached; please try again in a few minutes.", transient=True
        ) from None
    finally:
        timer.cancel()
        connection.close()
