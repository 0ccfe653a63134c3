import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.services import member_create, member_profile_visibility_set
from tests.factories import UserFactory
from tests.scoring.test_dashboard import member_with_history

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_my_score_needs_authentication(client):
    assert client.get(reverse("api-my-score")).status_code in (401, 403)


def test_my_score_explains_itself():
    member = member_with_history(days=3)
    body = token_client(member.user).get(reverse("api-my-score")).json()
    assert body["score"] == pytest.approx(member.scores.order_by("-day").first().score)
    assert len(body["history"]) == 4
    assert set(body["networks"]) >= {"x", "mastodon"}
    latest = member.scores.order_by("-day").first()
    assert sum(body["signals"].values()) == pytest.approx(latest.unsmoothed, abs=0.1)


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


def test_identities_without_a_member_are_served():
    member_with_history(networks=("x",), days=1)
    body = token_client(UserFactory()).get(reverse("api-identity-score", args=["x", "fan0"])).json()
    assert body["network"] == "x" and "score" in body


def test_openapi_schema_is_generated(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/me/score/" in response.content
