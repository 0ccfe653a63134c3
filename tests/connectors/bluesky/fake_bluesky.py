"""Bluesky for tests: an AppView, the PLC directory and the member's PDS on one local server,
answering with real recorded AT Protocol data (``../shared/fixtures/bluesky/sdk-test-data``).

The member is test.marshal.dev (its real DID document and profile). Its one recorded post (a
quote of another post of its own) is dated an hour ago, to fall in the sync's week; its
recorded follows (why.bsky.team, divy.zone, ...) are who liked and reposted it. The DID
document's PDS is this server, so that the sign-in reaches it.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

DATA = FIXTURES / "bluesky" / "sdk-test-data"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"


def _load(name: str) -> dict:
    path = DATA / name
    require(path.exists(), f"the recorded Bluesky data is missing: {path}")
    return json.loads(path.read_text())


class FakeBluesky:
    def __init__(self, url: str = "") -> None:
        self.url = url
        document = _load("did_doc.json")
        self.did, self.handle = document["did"], document["handle"]
        self.document = document["didDoc"]
        follows = _load("get_follows.json")
        self.profile = {**follows["subject"], "followersCount": 120, "followsCount": 6, "postsCount": 1}
        self.fans = follows["follows"]
        post = copy.deepcopy(_load("thread_view_post_with_embed_media.json")["thread"]["post"])
        posted = datetime.now(UTC) - timedelta(hours=1)
        post["record"]["createdAt"] = post["indexedAt"] = posted.isoformat().replace("+00:00", "Z")
        post["likeCount"], post["repostCount"] = 3, 2
        self.post = post
        self.sessions = 0

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path
        if path == f"/{self.did}":
            document = copy.deepcopy(self.document)
            document["service"][0]["serviceEndpoint"] = self.url
            return FakeResponse(body=document)
        if path == "/xrpc/com.atproto.identity.resolveHandle":
            if request.param("handle") == self.handle:
                return FakeResponse(body={"did": self.did})
            return FakeResponse(
                status=400, body={"error": "InvalidRequest", "message": "Unable to resolve handle"}
            )
        if path == "/xrpc/com.atproto.server.createSession":
            sent = json.loads(request.body or b"{}")
            if sent.get("identifier") != self.did or sent.get("password") != APP_PASSWORD:
                return FakeResponse(
                    status=401,
                    body={"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
                )
            self.sessions += 1
            return FakeResponse(
                body={"did": self.did, "handle": self.handle, "accessJwt": "a", "refreshJwt": "r"}
            )
        if path == "/xrpc/app.bsky.actor.getProfile":
            return FakeResponse(body=self.profile)
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            return FakeResponse(body={"feed": [{"post": self.post}]})
        if path == "/xrpc/app.bsky.feed.getLikes":
            likes = [
                {"actor": fan, "createdAt": self.post["indexedAt"], "indexedAt": self.post["indexedAt"]}
                for fan in self.fans[:3]
            ]
            return FakeResponse(body={"uri": request.param("uri"), "likes": likes})
        if path == "/xrpc/app.bsky.feed.getRepostedBy":
            return FakeResponse(body={"uri": request.param("uri"), "repostedBy": self.fans[3:5]})
        if path == "/xrpc/app.bsky.feed.getQuotes":
            return FakeResponse(body={"uri": request.param("uri"), "posts": []})
        if path == "/xrpc/app.bsky.feed.getPostThread":
            return FakeResponse(
                body={
                    "thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.post, "replies": []}
                }
            )
        return FakeResponse(status=404, body={"error": "NotFound", "message": f"no {path}"})
