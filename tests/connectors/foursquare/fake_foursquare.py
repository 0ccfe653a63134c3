"""A Foursquare API v2 for tests, answering with the real recorded Swarm check-in.

The recording (``../shared/fixtures/foursquare/checkin.json``, one check-in of
``/users/self/checkins`` as swarm-to-sqlite saved it) is served as the one item of the member's
check-ins. What is changed, and only this:

- its ``createdAt`` is moved to a day ago (recorded in 2017), so that it falls in the week whose
  likes each run reads again;
- no ``/users/self`` answer was recorded: the member is the user the check-in's photos name with
  ``relationship: self`` (Simon Willison, 15889193), given the ``friends`` and ``checkins``
  counts of the API's user object (numbers chosen here);
- no ``/users/self/tips`` page was recorded: it answers with the tip the check-in carries
  (``posts.items``), the shape of a tip.

Every answer is the API's envelope, ``{"meta": {"code": 200}, "response": …}``.
"""

from __future__ import annotations

import copy
import json
import time

from tests.conftest import FIXTURES, require
from tests.fakes.http_server import FakeResponse, RecordedRequest

CHECKIN = FIXTURES / "foursquare" / "checkin.json"
MEMBER_ID = "15889193"


def recorded_checkin() -> dict:
    require(CHECKIN.exists(), f"the recorded Swarm check-in is missing: {CHECKIN}")
    return json.loads(CHECKIN.read_text())


def envelope(response: dict) -> dict:
    return {"meta": {"code": 200, "requestId": "5f0c0c0c0c0c0c0c0c0c0c0c"}, "response": response}


class FakeFoursquare:
    def __init__(self) -> None:
        self.checkin = copy.deepcopy(recorded_checkin())
        self.checkin["createdAt"] = int(time.time()) - 24 * 3600
        photographer = self.checkin["photos"]["items"][0]["user"]
        self.user = {
            **{
                k: photographer[k] for k in ("id", "firstName", "lastName", "gender", "relationship", "photo")
            },
            "friends": {"count": 412, "groups": []},
            "checkins": {"count": 1},
            "homeCity": "San Francisco, CA",
        }

    def __call__(self, request: RecordedRequest) -> FakeResponse:
        if request.path == "/v2/users/self":
            return FakeResponse(body=envelope({"user": self.user}))
        if request.path == "/v2/users/self/checkins":
            after = int(request.param("afterTimestamp") or 0)
            items = [self.checkin] if self.checkin["createdAt"] > after else []
            return FakeResponse(body=envelope({"checkins": {"count": len(items), "items": items}}))
        if request.path == "/v2/users/self/tips":
            tips = self.checkin["posts"]["items"]
            return FakeResponse(body=envelope({"tips": {"count": len(tips), "items": tips}}))
        return FakeResponse(
            status=404, body={"meta": {"code": 404, "errorType": "endpoint_error"}, "response": {}}
        )
