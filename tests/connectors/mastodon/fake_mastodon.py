"""A Mastodon server for tests, answering with real recorded responses.

The bodies are Mastodon.py's recordings of a real Mastodon 4.5 server
(``../shared/fixtures/mastodon/cassettes``) and of mastodon.social
(``cassettes-real-servers``). Three things are changed, and only these: the recorded server's
address (``http://localhost:3000``) is written as the member's server's (``HOME``), as that
server would give its own addresses; the member's ten recorded statuses are dated in the
last ten hours (their recorded dates are months old, outside the sync's week of
engagement); and the one recorded reply (halcy's, on mastodon.social) is served as a reply
to the newest of them. Lists page by ``max_id`` with a ``Link`` header, as the
server does, four statuses a page.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

CASSETTES = FIXTURES / "mastodon" / "cassettes"
REAL = FIXTURES / "mastodon" / "cassettes-real-servers"
HOME = "social.example"  # the member's server, as they typed it
MEMBER = f"mastodonpy_test@{HOME}"
RECORDED_SERVER = "http://localhost:3000"
PAGE = 4
RATE = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299"}


def _bodies(path: Path) -> list[tuple[str, str, object]]:
    require(path.exists(), f"the recorded Mastodon answers are missing: {path}")
    cassette = yaml.safe_load(path.read_text())
    found = []
    for interaction in cassette["interactions"]:
        text = interaction["response"]["body"]["string"].replace(RECORDED_SERVER, f"https://{HOME}")
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        found.append((interaction["request"]["method"], interaction["request"]["uri"], body))
    return found


def _first(path: Path, method: str, suffix: str):
    return next(body for m, uri, body in _bodies(path) if m == method and uri.split("?")[0].endswith(suffix))


class FakeMastodon:
    def __init__(self) -> None:
        self.me = _first(CASSETTES / "test_fetch_next_previous.yaml", "GET", "/verify_credentials")
        now = datetime.now(UTC)
        posted = [b for m, uri, b in _bodies(CASSETTES / "test_fetch_next_previous.yaml") if m == "POST"]
        self.statuses = []
        for hours, status in enumerate(sorted(posted, key=lambda s: -int(s["id"]))):
            status = copy.deepcopy(status)
            status["created_at"] = (now - timedelta(hours=hours + 1)).isoformat().replace("+00:00", "Z")
            self.statuses.append(status)
        self.mentions = next(
            b for m, uri, b in _bodies(CASSETTES / "test_notifications_mentions_only.yaml") if "types" in uri
        )
        self.favourited_by = _first(CASSETTES / "test_status_favourited_by.yaml", "GET", "/favourited_by")
        self.reblogged_by = _first(CASSETTES / "test_status_reblogged_by.yaml", "GET", "/reblogged_by")
        self.context = _bodies(REAL / "test_entity_context.yaml")[0][2]
        self.app = _first(CASSETTES / "test_app_account_create.yaml", "POST", "/api/v1/apps")
        self.token = _first(CASSETTES / "test_app_account_create.yaml", "POST", "/oauth/token")
        self.quotes_supported = True

    @property
    def newest_id(self) -> str:
        return self.statuses[0]["id"]

    def _list(self, request: RecordedRequest, items: list[dict]) -> FakeResponse:
        since, max_id = request.param("since_id"), request.param("max_id")
        chosen = [i for i in items if (not since or int(i["id"]) > int(since))]
        chosen = [i for i in chosen if (not max_id or int(i["id"]) < int(max_id))][:PAGE]
        headers = dict(RATE)
        if len(chosen) == PAGE:
            headers["Link"] = f'<http://fake{request.path}?max_id={chosen[-1]["id"]}>; rel="next"'
        return FakeResponse(body=chosen, headers=headers)

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path
        if path == "/api/v1/accounts/verify_credentials":
            return FakeResponse(body=self.me, headers=RATE)
        if path == "/api/v1/accounts/lookup":
            if request.param("acct") == self.me["acct"]:
                return FakeResponse(body=self.me, headers=RATE)
            return FakeResponse(status=404, body={"error": "Record not found"})
        if path == f"/api/v1/accounts/{self.me['id']}/statuses":
            return self._list(request, self.statuses)
        if path == "/api/v1/notifications":
            return FakeResponse(body=self.mentions, headers=RATE)
        if path.endswith("/favourited_by"):
            return FakeResponse(body=self.favourited_by, headers=RATE)
        if path.endswith("/reblogged_by"):
            return FakeResponse(body=self.reblogged_by, headers=RATE)
        if path.endswith("/quotes"):
            return (
                FakeResponse(body=[], headers=RATE)
                if self.quotes_supported
                else FakeResponse(status=404, body={"error": "Record not found"})
            )
        if path.endswith("/context"):
            status_id = path.split("/")[4]
            if status_id != self.newest_id:
                return FakeResponse(body={"ancestors": [], "descendants": []}, headers=RATE)
            context = copy.deepcopy(self.context)
            for reply in context["descendants"]:
                reply["in_reply_to_id"] = status_id
                reply["in_reply_to_account_id"] = self.me["id"]
            return FakeResponse(body={"ancestors": [], "descendants": context["descendants"]}, headers=RATE)
        if path == "/api/v1/apps" and request.method == "POST":
            return FakeResponse(body=self.app)
        if path == "/oauth/token" and request.method == "POST":
            return FakeResponse(body=self.token)
        return FakeResponse(status=404, body={"error": "Record not found"})
