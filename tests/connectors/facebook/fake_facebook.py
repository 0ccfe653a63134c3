"""Meta's Graph API for the Facebook Page tests, answering with real recorded responses.

The bodies are python-facebook's recordings (``../shared/fixtures/meta/facebook/apidata``). The
member manages the Page "Facebook for Developers" (19292868552), whose recorded feed pages
(``posts/feeds_default_fields_p1/p2.json``) carry their reactions, comments and shares counts.
What is changed, and only this:

- the Page itself is the recorded Page (``pages/single_default_page.json``, its fields) with the
  id, name and username of the Page whose posts were recorded;
- ``me/accounts`` is the recorded list (``base/user_accounts_token.json``) naming that Page, with
  its own token;
- the second recorded feed page is served as the page after the first (the recording's cursor
  is the word ``after``), as the API pages;
- the recorded comments (``comments/comments_p1.json``) name no author, as the API gives them
  to a token without ``pages_read_user_content``: one of them is given the ``from`` the API adds
  with that permission (the recorded user of ``users/user.json``) and an id, so that a named
  comment is read as a reply.
"""

from __future__ import annotations

import copy
import json

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

DATA = FIXTURES / "meta" / "facebook" / "apidata"
PAGE_ID = "19292868552"
VERSION = "/v21.0"


def recorded(name: str) -> dict:
    path = DATA / name
    require(path.exists(), f"the recorded Graph API answer is missing: {path}")
    return json.loads(path.read_text())


class FakeFacebook:
    def __init__(self) -> None:
        self.page = {
            **recorded("pages/single_default_page.json"),
            "id": PAGE_ID,
            "name": "Facebook for Developers",
            "username": "fbdevelopers",
        }
        self.feed = [
            recorded("posts/feeds_default_fields_p1.json"),
            recorded("posts/feeds_default_fields_p2.json"),
        ]
        base = json.loads((FIXTURES / "meta" / "base" / "user_accounts_token.json").read_text())
        self.pages = copy.deepcopy(base)
        self.pages["data"][0].update(id=PAGE_ID, name=self.page["name"], access_token="page-token")
        self.commenter = recorded("users/user.json")
        comments = copy.deepcopy(recorded("comments/comments_p1.json"))
        first = comments["data"][0]
        first["id"] = first["permalink_url"].split("comment_id=")[1]
        first["from"] = {"id": self.commenter["id"], "name": self.commenter["name"]}
        self.comments = {"data": comments["data"]}
        self.commented_post = self.feed[0]["data"][0]["id"]

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        path = request.path.removeprefix(VERSION)
        if path == f"/{PAGE_ID}":
            return FakeResponse(body=self.page)
        if path == f"/{PAGE_ID}/posts":
            return FakeResponse(body=self.feed[1] if request.param("after") == "after" else self.feed[0])
        if path == f"/{self.commented_post}/comments":
            return FakeResponse(body=self.comments)
        if path.endswith("/comments"):
            return FakeResponse(body={"data": []})
        if path == "/me/accounts":
            return FakeResponse(body=self.pages)
        return FakeResponse(status=400, body=json.loads((FIXTURES / "meta" / "error.json").read_text()))
