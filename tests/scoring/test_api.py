import pytest
from django.test import Client
from django.urls import reverse

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
