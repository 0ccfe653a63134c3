"""The bounded GET for hosts the public names: deadline, byte cap, resolve-then-connect."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from connectors import public_http
from connectors.public_http import PublicFetchError, public_get
from tests.fakes.http_server import FakeHTTPServer, FakeResponse


@pytest.fixture
def fake():
    with FakeHTTPServer() as server:
        yield server


def test_a_server_trickling_its_answer_is_cut_off_at_the_overall_deadline(fake):
    # One byte every 0.2 s: no single read ever waits a whole second, so a read timeout
    # alone would wait the 40 s the answer takes.
    fake.script(FakeResponse(body={"note": "x" * 200}, drip=0.2))
    started = time.monotonic()
    with pytest.raises(PublicFetchError) as caught:
        public_get(fake.url + "/slow", what="The server", public_only=False, timeout=1, deadline=1.5)
    assert time.monotonic() - started < 5
    assert caught.value.transient and "did not answer in time" in caught.value.message


def test_an_answer_larger_than_the_cap_is_refused_by_its_declared_length(fake):
    fake.script(FakeResponse(body="x" * 5000))
    with pytest.raises(PublicFetchError, match="too large") as caught:
        public_get(fake.url + "/big", what="The server", public_only=False, max_bytes=1000)
    assert caught.value.transient is False


def test_an_answer_growing_past_the_cap_without_a_length_is_cut_off():
    # No Content-Length, the body runs until the connection closes: it is counted as it arrives.
    listener = socket.create_server(("127.0.0.1", 0))
    sent = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            )
            try:
                for _ in range(100):
                    connection.sendall(b"x" * 10_000)
            except OSError:
                pass  # the client hung up, as it should
            sent.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/endless"
    try:
        with pytest.raises(PublicFetchError, match="too large"):
            public_get(url, what="The server", public_only=False, max_bytes=100_000)
    finally:
        thread.join(timeout=5)
        listener.close()


def test_redirects_are_not_followed(fake):
    fake.script(FakeResponse(status=302, headers={"Location": "http://10.0.0.1/admin"}))
    response = public_get(fake.url + "/moved", what="The server", public_only=False)
    assert response.status == 302
    assert len(fake.requests) == 1


def test_a_host_that_resolves_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("192.168.1.10", 443))])
    with pytest.raises(PublicFetchError, match="router.example is not a public server"):
        public_get("https://router.example/", what="The server", public_only=True)


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 443)), (10, 1, 6, "", ("::1", 443, 0, 0))],
    )
    with pytest.raises(PublicFetchError, match="not a public server"):
        public_get("https://mixed.example/", what="The server", public_only=True)


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS rebinding: a second lookup would answer 127.0.0.1; none is made."""
    answers = iter(["93.184.216.34", "127.0.0.1"])
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        address = next(answers)
        lookups.append(address)
        return [(2, 1, 6, "", (address, port))]

    connected: list[tuple[str, int]] = []

    def connect(sock, address):
        connected.append(address)
        raise ConnectionRefusedError

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(public_http, "_connect", connect)
    with pytest.raises(PublicFetchError, match="could not be reached"):
        public_get("https://rebind.example/x", what="The server", public_only=True)
    assert lookups == ["93.184.216.34"]
    assert connected == [("93.184.216.34", 443)]


def test_the_deadline_holds_while_connecting_and_reading_headers(monkeypatch):
    """A slow name lookup, then headers a byte at a time: the deadline still ends it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 100:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.2)
            except OSError:
                pass

    real = socket.getaddrinfo

    def slow_lookup(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    started = time.monotonic()
    with pytest.raises(PublicFetchError, match="did not answer in time"):
        public_get(
            f"http://127.0.0.1:{listener.getsockname()[1]}/",
            what="The server",
            public_only=False,
            timeout=1,
            deadline=1.5,
        )
    assert time.monotonic() - started < 4
    listener.close()


def test_a_name_lookup_slower_than_the_deadline_ends_the_request(monkeypatch):
    real = socket.getaddrinfo

    def slow_lookup(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    with pytest.raises(PublicFetchError, match="did not answer in time"):
        public_get("http://127.0.0.1:9/", what="The server", public_only=False, timeout=1, deadline=0.2)


def test_a_deadline_that_passes_while_connecting_is_not_lost(monkeypatch):
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 100:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.2)
            except OSError:
                pass

    def slow_connect(sock, address):
        time.sleep(0.6)  # longer than the whole deadline
        sock.connect(address)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setattr(public_http, "_connect", slow_connect)
    started = time.monotonic()
    with pytest.raises(PublicFetchError, match="did not answer in time"):
        public_get(
            f"http://127.0.0.1:{listener.getsockname()[1]}/",
            what="The server",
            public_only=False,
            timeout=1,
            deadline=0.4,
        )
    assert time.monotonic() - started < 3
    listener.close()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254, the cloud metadata address
        ("64:ff9b::5db8:d822", True),  # NAT64 of 93.184.216.34
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
    ],
)
def test_addresses_inside_ipv6_translations_are_judged_by_what_they_reach(address, public):
    assert public_http.address_is_public(address) is public
