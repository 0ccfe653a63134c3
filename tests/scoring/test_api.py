from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_create, member_profile_visibility_set
from accounts.tokens import api_token_create
from scoring.selectors import member_dashboard
from tests.factories import UserFactory
from tests.personas import member_with_history

pytestmark = pytest.mark.django_db


def token_client(user, scopes: str = "scores:read,me:read", keyword: str = "Bearer") -> Client:
    """A client with a member token of ``user`` (made a member if they were not)."""
    member = member_create(user=user)
    issued = api_token_create(user=user, member=member, name="tests", scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"{keyword} {issued.key}")


def test_my_score_needs_authentication(client):
    response = client.get(reverse("api-my-score"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["code"] == "not_authenticated"


def test_my_score_explains_itself():
    member = member_with_history(days=3)
    body = token_client(member.user).get(reverse("api-my-score")).json()
    assert body["score"] == pytest.approx(member.scores.order_by("-day").first().score)
    assert len(body["history"]) == 4
    assert set(body["networks"]) >= {"x", "mastodon"}
    latest = member.scores.order_by("-day").first()
    assert sum(body["signals"].values()) == pytest.approx(latest.unsmoothed, abs=0.1)


def test_my_score_says_what_the_dashboard_shows():
    member = member_with_history(days=8)
    body = token_client(member.user).get(reverse("api-my-score")).json()
    d = member_dashboard(member=member)
    assert body == {
        "score": d.current.score,
        "day": d.current.day.isoformat(),
        "model_version": d.current.model_version,
        "change_since_yesterday": d.change_day,
        "change_since_last_week": d.change_week,
        "networks": d.current.networks,
        "signals": d.current.signals,
        "self_reported_points": d.current.self_reported,
        "verified": d.current.verified,
        "moved_since_yesterday": [
            {"name": c.name, "before": c.before, "after": c.after, "delta": c.delta} for c in d.moved.signals
        ],
        "history": [{"day": p.day.isoformat(), "score": p.score} for p in d.history],
    }
    assert body["moved_since_yesterday"] and body["change_since_last_week"] is not None


def test_my_score_reads_the_score_snapshots_and_not_the_dashboard(django_assert_max_num_queries):
    member = member_with_history(days=30)
    api = token_client(member.user)
    # The token with its user, the member, the history, and the full snapshots of the last day,
    # the day before and a week before: none of the dashboard's accounts, moments and people.
    with django_assert_max_num_queries(4):
        body = api.get(reverse("api-my-score")).json()
    assert len(body["history"]) == 31


def test_new_member_has_an_empty_score():
    member = member_create(user=UserFactory())
    body = token_client(member.user).get(reverse("api-my-score")).json()
    assert body["score"] is None and body["history"] == []


def test_identity_of_a_private_member_is_not_served_but_a_public_one_is():
    member = member_with_history(networks=("x",), days=2)
    api = token_client(UserFactory())
    url = reverse("api-identity-score", args=["x", "me_x"])
    assert api.get(url).status_code == 404
    member_profile_visibility_set(member=member, public=True)
    body = api.get(url).json()
    assert body["handle"] == "me_x" and len(body["history"]) == 3
    assert api.get(url + "?days=nonsense").status_code == 400


def test_days_of_history_are_brought_within_bounds_and_nonsense_is_refused():
    member = member_with_history(networks=("x",), days=4)
    member_profile_visibility_set(member=member, public=True)
    api = token_client(UserFactory())
    url = reverse("api-identity-score", args=["x", "me_x"])
    queries = ("", "?days=2", "?days=0", "?days=999")
    lengths = {query: len(api.get(url + query).json()["history"]) for query in queries}
    assert lengths == {"": 5, "?days=2": 2, "?days=0": 1, "?days=999": 5}
    for nonsense in ("nonsense", "", "2.5"):
        response = api.get(url + f"?days={nonsense}")
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"days": ["Give a whole number of days."]}


def test_identities_without_a_member_are_served():
    member_with_history(networks=("x",), days=1)
    body = token_client(UserFactory()).get(reverse("api-identity-score", args=["x", "fan0"])).json()
    assert body["network"] == "x" and "score" in body


def test_openapi_schema_is_generated(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/me/score/" in response.content


def test_history_gives_each_day_with_its_signal_and_network_parts():
    member = member_with_history(days=5)
    api = token_client(member.user)
    today = member.scores.order_by("-day").first().day
    since = today - timedelta(days=2)
    body = api.get(reverse("api-my-history") + f"?from={since.isoformat()}").json()
    assert body["since"] == since.isoformat() and body["until"] == timezone.now().date().isoformat()
    assert [p["day"] for p in body["points"]] == [
        (since + timedelta(days=n)).isoformat() for n in range(3) if since + timedelta(days=n) <= today
    ]
    for point in body["points"]:
        assert sum(point["signals"].values()) == pytest.approx(point["unsmoothed"], abs=0.1)
        assert sum(point["networks"].values()) == pytest.approx(point["unsmoothed"], abs=0.1)


def test_a_span_longer_than_a_year_is_cut_to_its_last_366_days():
    member = member_with_history(days=1)
    body = token_client(member.user).get(reverse("api-my-history") + "?from=2000-01-01&to=2026-01-31").json()
    assert (body["since"], body["until"]) == ("2025-01-31", "2026-01-31")


def test_an_identitys_history_and_its_network_part():
    member = member_with_history(networks=("x",), days=3)
    member_profile_visibility_set(member=member, public=True)
    body = token_client(UserFactory()).get(reverse("api-identity-history", args=["x", "me_x"])).json()
    assert body["network"] == "x" and len(body["points"]) == 4
    assert all(set(point["networks"]) == {"x"} for point in body["points"])


@pytest.mark.parametrize(
    ("query", "field"),
    [("?from=2026-13-01", "from"), ("?to=yesterday", "to"), ("?from=2026-05-02&to=2026-05-01", "from"),
     ("?to=", "to")],
)  # fmt: skip
def test_a_bad_span_of_days_is_a_400_naming_the_parameter(query, field):
    member = member_with_history(days=1)
    response = token_client(member.user).get(reverse("api-my-history") + query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_score_reads_carry_an_etag_and_answer_304_while_unchanged():
    member = member_with_history(networks=("x",), days=2)
    member_profile_visibility_set(member=member, public=True)
    api = token_client(UserFactory())
    url = reverse("api-identity-score", args=["x", "me_x"])
    first = api.get(url)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    assert api.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    assert api.get(url + "?days=1")["ETag"] != first["ETag"]


def test_a_private_or_missing_identity_answers_the_same_404():
    member_with_history(networks=("x",), days=1)
    api = token_client(UserFactory())
    private = api.get(reverse("api-identity-score", args=["x", "me_x"]))
    missing = api.get(reverse("api-identity-score", args=["x", "nobody_at_all"]))
    assert private.status_code == missing.status_code == 404
    assert private.json() == missing.json()
    history = api.get(reverse("api-identity-history", args=["x", "me_x"]))
    assert history.status_code == 404 and history.json() == missing.json()


def test_an_identity_score_costs_three_queries_by_handle_and_four_by_network_id(django_assert_num_queries):
    member = member_with_history(networks=("x",), days=30)
    member_profile_visibility_set(member=member, public=True)
    api = token_client(UserFactory())
    by_handle = reverse("api-identity-score", args=["x", "ME_X"])
    api.get(by_handle)  # the token's last use is written once, not on every request
    # The token, the identity, its snapshots.
    with django_assert_num_queries(3):
        assert api.get(by_handle).status_code == 200
    # A bare id: the handle lookup, then the id's.
    with django_assert_num_queries(4):
        assert api.get(reverse("api-identity-score", args=["x", "fan0"])).status_code == 200


def test_my_accounts_say_where_each_came_from():
    member = member_with_history(days=1)
    body = token_client(member.user).get(reverse("api-my-accounts")).json()
    assert {(a["network"], a["source"]) for a in body} == {("x", "uploaded"), ("mastodon", "uploaded")}
    assert all(a["sync_status"] is None and a["last_sync"] is None for a in body)


def test_any_other_address_under_the_api_is_a_json_404():
    response = Client().get("/api/v1/no/such/thing/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_pages_own_calls_use_the_session_with_csrf(client):
    member = member_with_history(days=1)
    client.force_login(member.user)
    assert client.get(reverse("api-my-score")).status_code == 200
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member.user)
    response = csrf_client.post(reverse("api-my-score"))
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]


def test_the_docs_are_served_from_installed_assets(client):
    page = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower() and "unpkg" not in page
    schema = client.get(reverse("api-schema"))
    assert schema["Content-Type"].startswith("application/") and "json" in schema["Content-Type"]
