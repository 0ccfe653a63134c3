"""A small in-memory X API v2 behind the fake HTTP server: one member, their posts, mentions, likes.

Pages are deliberately short (PAGE items) so that a sync crosses several pages and
pagination tokens, and faults can be scripted between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.fakes.http_server import FakeResponse, RecordedRequest

PAGE = 2
MEMBER_ID = "42"
_EPOCH_MS = 1288834974657


def tweet_id_at(when: datetime, seq: int) -> str:
    return str((int(when.timestamp() * 1000) - _EPOCH_MS) << 22 | seq)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class FakeX:
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    tweets: list[dict] = field(default_factory=list)  # newest first
    mentions: list[dict] = field(default_factory=list)
    likers: dict[str, list[str]] = field(default_factory=dict)
    retweeters: dict[str, list[str]] = field(default_factory=dict)
    token_grants: int = 0

    def add_tweet(self, hours_ago: float, text: str) -> str:
        when = self.now - timedelta(hours=hours_ago)
        tid = tweet_id_at(when, len(self.tweets))
        metrics = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0}
        self.tweets.append(
            {
                "id": tid,
                "author_id": MEMBER_ID,
                "text": text,
                "created_at": _iso(when),
                "public_metrics": metrics,
            }
        )
        self.tweets.sort(key=lambda t: int(t["id"]), reverse=True)
        return tid

    def add_mention(self, hours_ago: float, by: str) -> str:
        when = self.now - timedelta(hours=hours_ago)
        tid = tweet_id_at(when, 1000 + len(self.mentions))
        self.mentions.append(
            {
                "id": tid,
                "author_id": by,
                "text": "@alice hello",
                "created_at": _iso(when),
                "entities": {"mentions": [{"start": 0, "end": 6, "username": "alice", "id": MEMBER_ID}]},
            }
        )
        self.mentions.sort(key=lambda t: int(t["id"]), reverse=True)
        return tid

    @classmethod
    def populated(cls) -> FakeX:
        fake = cls()
        ids = [fake.add_tweet(hours, f"post {n}") for n, hours in enumerate([50, 40, 30, 20, 10])]
        fake.add_mention(5, by="900")
        fake.add_mention(4, by="901")
        fake.add_mention(3, by="902")
        fake.likers[ids[-1]] = ["900", "901", "902"]  # the newest post
        fake.retweeters[ids[-1]] = ["903"]
        return fake

    # --- the API ---------------------------------------------------------------------
    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path
        if path == "/2/users/me":
            return FakeResponse(body={"data": self.user(MEMBER_ID, "alice", followers=120)})
        if path == f"/2/users/{MEMBER_ID}/tweets":
            return self._timeline(self.tweets, request)
        if path == f"/2/users/{MEMBER_ID}/mentions":
            page = self._timeline(self.mentions, request)
            page.body["includes"] = {
                "users": [
                    self.user(t["author_id"], f"fan{t['author_id']}") for t in page.body.get("data", [])
                ]
            }
            return page
        if match := re.fullmatch(r"/2/tweets/(\d+)/(liking_users|retweeted_by|quote_tweets)", path):
            tid, what = match.groups()
            if what == "quote_tweets":
                return FakeResponse(body={"meta": {"result_count": 0}})
            people = (self.likers if what == "liking_users" else self.retweeters).get(tid, [])
            return self._paged([self.user(p, f"fan{p}") for p in people], request)
        if path == "/2/oauth2/token":
            self.token_grants += 1
            body = {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": f"fresh-access-{self.token_grants}",
                "refresh_token": f"fresh-refresh-{self.token_grants}",
                "scope": "tweet.read users.read like.read follows.read offline.access",
            }
            return FakeResponse(body=body)
        return FakeResponse(status=404, body={"title": "Not Found Error", "detail": path})

    @staticmethod
    def user(uid: str, username: str, followers: int = 10) -> dict:
        metrics = {"followers_count": followers, "following_count": 5, "tweet_count": 50, "listed_count": 0}
        return {"id": uid, "username": username, "name": username.title(), "public_metrics": metrics}

    def _timeline(self, items: list[dict], request: RecordedRequest) -> FakeResponse:
        since = request.param("since_id")
        chosen = [t for t in items if since is None or int(t["id"]) > int(since)]
        response = self._paged(chosen, request)
        if chosen:
            response.body["meta"]["newest_id"] = chosen[0]["id"]
        return response

    @staticmethod
    def _paged(items: list[dict], request: RecordedRequest) -> FakeResponse:
        token = request.param("pagination_token")
        start = int(token[1:]) if token else 0
        page = items[start : start + PAGE]
        meta: dict = {"result_count": len(page)}
        if start + PAGE < len(items):
            meta["next_token"] = f"p{start + PAGE}"
        body: dict = {"meta": meta}
        if page:
            body["data"] = page
        return FakeResponse(body=body)
