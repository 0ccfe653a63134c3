"""Every way the X API can fail reaches the sync as one ConnectorError that says what to do."""

from __future__ import annotations

import time

import pytest

from connectors.errors import ConnectorError
from connectors.twitter.client import XClient
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

TWEETS = "/2/users/42/tweets"
PAGE = {"data": [{"id": "1440715975020584960", "author_id": "42", "text": "hi"}], "meta": {"result_count": 1}}


@pytest.fixture
def server():
    with FakeHTTPServer() as fake:
        yield fake


def _client(server: FakeHTTPServer) -> XClient:
    return XClient(access_token="tok-123", base_url=server.url, timeout=(0.5, 0.3))


def _fails(server: FakeHTTPServer, response: FakeResponse) -> ConnectorError:
    server.script(response, path=TWEETS)
    with pytest.raises(ConnectorError) as caught:
        _client(server).user_tweets(user_id="42")
    return caught.value


def test_a_page_is_requested_with_the_token_fields_and_cursor(server):
    server.script(FakeResponse(body=PAGE), path=TWEETS)

    page = _client(server).user_tweets(user_id="42", since_id="7", pagination_token="abc")

    assert page == PAGE
    (request,) = server.requests
    assert request.headers["authorization"] == "Bearer tok-123"
    assert (request.param("since_id"), request.param("pagination_token")) == ("7", "abc")
    assert request.param("max_results") == "100"
    assert "public_metrics" in request.param("tweet.fields")
    assert "referenced_tweets.id.author_id" in request.param("expansions")


def test_429_is_transient_and_says_how_long_until_the_window_resets(server):
    reset = int(time.time()) + 30
    error = _fails(server, FakeResponse(status=429, headers={"x-rate-limit-reset": str(reset)}))

    assert (error.permanent, error.status) == (False, 429)
    assert 25 <= error.retry_after <= 30


def test_429_without_a_reset_header_leaves_the_wait_to_the_caller(server):
    error = _fails(server, FakeResponse(status=429, body={"title": "Too Many Requests"}))

    assert (error.permanent, error.retry_after) == (False, None)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(server, status):
    error = _fails(server, FakeResponse(status=status, body="<html>over capacity</html>"))

    assert (error.permanent, error.status) == (False, status)


def test_a_revoked_token_is_permanent_and_about_authorisation(server):
    body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    error = _fails(server, FakeResponse(status=401, body=body))

    assert (error.permanent, error.auth, error.status) == (True, True, 401)
    assert "revoked" in error.message


def test_a_forbidden_request_is_permanent_but_not_a_token_problem(server):
    error = _fails(server, FakeResponse(status=403, body={"detail": "client-not-enrolled"}))

    assert (error.permanent, error.auth) == (True, False)
    assert "client-not-enrolled" in error.message


def test_a_timeout_is_transient(server):
    error = _fails(server, FakeResponse(body=PAGE, delay=1.0))

    assert error.permanent is False
    assert "in time" in error.message


def test_truncated_json_is_transient(server):
    error = _fails(server, FakeResponse(body=PAGE, truncate=20))

    assert error.permanent is False
    assert "not valid JSON" in error.message


def test_a_connection_dropped_mid_body_is_transient(server):
    error = _fails(server, FakeResponse(body=PAGE, truncate=20, short_read=True))

    assert error.permanent is False


def test_a_refused_connection_is_transient():
    error = None
    with FakeHTTPServer() as gone:
        url = gone.url
    try:
        XClient(access_token="t", base_url=url, timeout=(0.5, 0.5)).me()
    except ConnectorError as exc:
        error = exc
    assert error is not None and error.permanent is False
