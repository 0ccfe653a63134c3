"""Bounded requests to servers that the public names (a Mastodon instance, a did:web host).

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
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from connectors.errors import ConnectorError

DEFAULT_MAX_BYTES = 1024 * 1024
_USER_AGENT = "Klout (+https://github.com/klout; influence scores, opt-out checks)"


class PublicFetchError(ConnectorError):
    """The request failed; ``message`` is for a person, ``transient`` says whether a later try may work."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message, permanent=not transient)


@dataclass(frozen=True)
class FetchedResponse:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or ValueError."""
        return json.loads(self.body.decode("utf-8"))


# Prefixes that carry an IPv4 address inside an IPv6 one (NAT64, RFC 6052 and RFC 8215): what
# they reach is the IPv4 address, which must be public itself.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def address_is_public(text: str) -> bool:
    """Whether the address is on the public internet, looking inside the IPv6 forms that reach
    an IPv4 address (mapped, 6to4, NAT64): ``is_global`` alone calls 64:ff9b::7f00:1 global."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo:
            return False
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and any(address in network for network in _NAT64):
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return inner.is_global
    return address.is_global


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
            if not address_is_public(address):
                raise PublicFetchError(f"{host} is not a public server.", transient=False)
    return addresses


def _connect(sock: socket.socket, address: tuple[str, int]) -> None:
    sock.connect(address)


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address resolved beforehand, named ``host`` to the server.

    ``current`` is the socket in use from the moment it exists, before it connects, so that
    ``cut`` ends whatever it is waiting for: connecting, the TLS handshake, headers or body.
    """

    def __init__(self, *, host: str, address: str, port: int, tls: bool, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._tls = tls
        self._lock = threading.Lock()
        self.current: socket.socket | None = None
        self.cut_off = False

    def _use(self, sock: socket.socket) -> None:
        with self._lock:
            self.current = sock
            if self.cut_off:
                raise TimeoutError

    def cut(self) -> None:
        with self._lock:
            self.cut_off = True
            if self.current is not None:
                try:
                    self.current.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def connect(self) -> None:
        family = socket.AF_INET6 if ":" in self._address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        self._use(sock)
        sock.settimeout(self.timeout)
        _connect(sock, (self._address, self.port))
        # A socket still connecting may not notice being shut down: look again once it has.
        self._use(sock)
        if self._tls:
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self.host, do_handshake_on_connect=False)
            self._use(sock)
            sock.do_handshake()
            self._use(sock)
        self.sock = sock


def public_get(url: str, **kwargs: Any) -> FetchedResponse:
    """GET ``url`` within ``deadline`` seconds in all and ``max_bytes`` of body (``public_request``)."""
    return public_request("GET", url, **kwargs)


def public_request(
    method: str,
    url: str,
    *,
    what: str,
    public_only: bool,
    form: dict[str, str] | None = None,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FetchedResponse:
    """``method`` ``url`` (with ``form`` sent url-encoded, or ``json_body`` as JSON) within ``deadline``
    seconds in all and ``max_bytes`` of body.

    ``what`` names the server in error messages ("The Mastodon server example.social").
    Raises ``PublicFetchError``; any status is returned as it is (redirects included).
    """
    timeout = timeout or settings.PRIVACY_PROFILE_TIMEOUT_SECONDS
    deadline = deadline or getattr(settings, "PRIVACY_PROFILE_DEADLINE_SECONDS", 3 * timeout)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise PublicFetchError(f"{what} has no valid address.", transient=False)
    tls = parts.scheme == "https"
    try:
        port = parts.port or (443 if tls else 80)
    except ValueError:
        raise PublicFetchError(f"{what} has no valid address.", transient=False) from None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    started = time.monotonic()
    late = PublicFetchError(
        f"{what} did not answer in time; please try again in a few minutes.", transient=True
    )
    # A name lookup cannot be interrupted; its time counts against the deadline all the same.
    address = _addresses(parts.hostname, port, public_only=public_only, what=what)[0]
    remaining = deadline - (time.monotonic() - started)
    if remaining <= 0:
        raise late
    connection = _Connection(
        host=parts.hostname, address=address, port=port, tls=tls, timeout=min(timeout, remaining)
    )
    timer = threading.Timer(remaining, connection.cut)
    timer.daemon = True
    timer.start()
    try:
        sent = {"Accept": "application/json", "User-Agent": _USER_AGENT, **(headers or {})}
        body_out = None
        if form is not None:
            body_out = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body_out = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        connection.request(method, target, body=body_out, headers=sent)
        response = connection.getresponse()
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise PublicFetchError(f"{what} sent an answer too large to read.", transient=False)
        body = bytearray()
        while chunk := response.read1(64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                raise PublicFetchError(f"{what} sent an answer too large to read.", transient=False)
            if connection.cut_off:
                break
        if connection.cut_off:
            raise TimeoutError
        return FetchedResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=bytes(body),
        )
    except PublicFetchError:
        raise
    except TimeoutError:
        raise late from None
    except (OSError, http.client.HTTPException, ssl.SSLError):
        if connection.cut_off:
            raise late from None
        raise PublicFetchError(
            f"{what} could not be reached; please try again in a few minutes.", transient=True
        ) from None
    finally:
        timer.cancel()
        connection.close()
