"""Meta's Graph API for the Instagram tests, answering with real recorded responses.

The bodies are python-facebook's recordings of the real API (``../shared/fixtures/meta``). The
member is the account the recorded media belong to (ikroskun, 17841406338772941: the owner the
recorded pages' addresses name). What is changed, and only this:

- its profile is the recorded ``IG User`` (``users/user_fields.json``, Facebook for Developers:
  64,363 followers, 427 media) with that account's id and username, the recording of the media's
  own account not being there;
- the media are the two recorded pages (``users/medias_p1/p2.json``), the first pointing to the
  second by its cursor as the API does; their times, and those of the comments, are moved
  forward together (the newest medium a day ago, the others as far before it as recorded), so
  that they fall in the score's window: recorded in 2021, they would count for nothing today;
- the comments of the medium with six (17896622936197745) are the recorded comments with their
  usernames (``comments/comments_fields.json``: ikroskun's own, and lixiangguodu123's); the
  recorded reply "@lixiangguodu123 nihao" (``comments/replies.json``) is served in the
  thread of lixiangguodu123's comment, with the username of its author (ikroskun: the recording
  asked for no username);
- the media the member is tagged in are the recorded ones (``users/tagged_medias.json``), given
  the ``username`` of their owner (facebookfordevelopers), a field the recording did not ask for;
- ``me/accounts`` is the recorded list of Pages (``base/user_accounts_token.json``) whose Page
  is given the member's account as its ``instagram_business_account``.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

META = FIXTURES / "meta"
MEMBER_ID = "17841406338772941"
MEMBER_USERNAME = "ikroskun"
VERSION = "/v21.0"
COMMENTED = "17896622936197745"


def recorded(name: str) -> dict:
    path = META / name
    require(path.exists(), f"the recorded Graph API answer is missing: {path}")
    return json.loads(path.read_text())


class FakeInstagram:
    def __init__(self) -> None:
        self.user = {
            **recorded("instagram/apidata/users/user_fields.json"),
            "id": MEMBER_ID,
            "username": MEMBER_USERNAME,
        }
        first, second = (
            recorded("instagram/apidata/users/medias_p1.json"),
            recorded("instagram/apidata/users/medias_p2.json"),
        )
        self.media_pages = [first, second]
        comments = recorded("instagram/apidata/comments/comments_fields.json")
        self.comments = sorted(comments.values(), key=lambda c: c["timestamp"], reverse=True)
        reply = {
            **recorded("instagram/apidata/comments/replies.json")["data"][0],
            "username": MEMBER_USERNAME,
        }
        for comment in self.comments:
            if comment["username"] == "lixiangguodu123":
                comment["replies"] = {"data": [reply]}
        self.tagged = copy.deepcopy(recorded("instagram/apidata/users/tagged_medias.json"))
        for item in self.tagged["data"]:
            item["username"] = "facebookfordevelopers"
        self.pages = copy.deepcopy(recorded("base/user_accounts_token.json"))
        self.pages["data"][0]["instagram_business_account"] = self.user
        newest = datetime.fromisoformat(self.media_pages[0]["data"][0]["timestamp"])
        self.shift = datetime.now(UTC) - timedelta(days=1) - newest
        for item in [*self.media_pages[0]["data"], *self.media_pages[1]["data"], *self.comments, reply]:
            item["timestamp"] = self.moved(item["timestamp"])

    def moved(self, recorded_time: str) -> str:
        return (datetime.fromisoformat(recorded_time) + self.shift).strftime("%Y-%m-%dT%H:%M:%S+0000")

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path.removeprefix(VERSION)
        if path == f"/{MEMBER_ID}":
            return FakeResponse(body=self.user)
        if path == f"/{MEMBER_ID}/media":
            return FakeResponse(
                body=self.media_pages[1] if request.param("after") == "after" else self.media_pages[0]
            )
        if path == f"/{COMMENTED}/comments":
            return FakeResponse(body={"data": self.comments})
        if path.endswith("/comments"):
            return FakeResponse(body={"data": []})
        if path == f"/{MEMBER_ID}/tags":
            return FakeResponse(body=self.tagged)
        if path == "/me/accounts":
            return FakeResponse(body=self.pages)
        return FakeResponse(status=400, body=recorded("error.json"))
