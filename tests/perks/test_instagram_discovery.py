"""A brand connects its own Instagram professional account and looks another one up by username
(Instagram's business discovery, the recorded ``discovery/user_fields.json`` and media pages):
the account becomes a stored, scored identity."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connectors.models import DiscoveryAccount, Identity, Post
from tests.connectors.instagram.fake_instagram import MEMBER_ID, FakeInstagram, recorded
from tests.factories import brand_owner
from tests.fakes.http_server import FakeHTTPServer, FakeResponse

pytestmark = pytest.mark.django_db


class DiscoveringInstagram(FakeInstagram):
    """The fake Graph API, answering business discovery with the recorded account and its media
    (``discovery/user_fields.json`` and ``discovery/medias_p1.json``, merged as one answer with
    ``media`` asked for)."""

    def __call__(self, request):
        fields = request.param("fields") or ""
        if request.path == f"/v21.0/{MEMBER_ID}" and fields.startswith("business_discovery.username("):
            wanted = fields.split("(", 1)[1].split(")", 1)[0]
            found = recorded("instagram/apidata/discovery/user_fields.json")["business_discovery"]
            if wanted != found["username"]:
                return FakeResponse(
                    status=400,
                    body={"error": {"code": 110, "message": "Invalid user id", "type": "OAuthException"}},
                )
            media = recorded("instagram/apidata/discovery/medias_p1.json")["business_discovery"]["media"]
            return FakeResponse(body={"business_discovery": {**found, "media": media}, "id": MEMBER_ID})
        return super().__call__(request)


@pytest.fixture
def graph(settings):
    fake = DiscoveringInstagram()
    with FakeHTTPServer(handler=fake) as http:
        settings.META_GRAPH_BASE_URL = http.url
        settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
        yield http


@pytest.fixture
def owner(client):
    owner = brand_owner()
    client.force_login(owner.user)
    return owner


def _connect(client, graph, brand):
    response = client.post(reverse("perks:instagram_connect", args=[brand.slug]))
    query = parse_qs(urlsplit(response["Location"]).query)
    graph.script(
        FakeResponse(body={"access_token": "s"}),
        FakeResponse(body={"access_token": "brand-token", "expires_in": 5184000}),
        path="/v21.0/oauth/access_token",
    )
    return client.get(
        reverse("perks:instagram_callback"), {"state": query["state"][0], "code": "c"}, follow=True
    )


def test_a_brand_connects_its_instagram_and_looks_an_account_up(client, graph, owner):
    brand = owner.brand
    page = client.get(reverse("perks:discover", args=[brand.slug])).content.decode()
    assert "Connect your brand&#x27;s Instagram" in page or "Connect your brand's Instagram" in page

    connected = _connect(client, graph, brand)

    assert "Connected @ikroskun" in connected.content.decode()
    access = DiscoveryAccount.objects.get(brand=brand)
    assert (access.ig_user_id, access.access_token) == (MEMBER_ID, "brand-token")
    found = client.post(
        reverse("perks:instagram_lookup", args=[brand.slug]),
        {"username": "@FacebookForDevelopers"},
        follow=True,
    )
    identity = Identity.objects.get(network="instagram", external_id="17841407673135339")
    # discovery/user_fields.json: 64,976 followers, 436 media.
    assert (identity.handle, identity.followers, identity.posts_count) == (
        "facebookfordevelopers",
        64976,
        436,
    )
    assert found.redirect_chain[-1][0] == reverse("perks:influencer", args=[brand.slug, identity.pk])
    first = Post.objects.get(external_id="17885103395504675")
    assert (first.author, first.likes, first.replies) == (identity, 87, 11)
    assert identity.member is None  # a scored identity of no member


def test_a_lookup_of_an_unknown_or_malformed_username_says_why(client, graph, owner):
    _connect(client, graph, owner.brand)
    url = reverse("perks:instagram_lookup", args=[owner.brand.slug])

    unknown = client.post(url, {"username": "nobody.here"}, follow=True).content.decode()
    malformed = client.post(url, {"username": "a){id}"}, follow=True).content.decode()

    assert "has no professional account @nobody.here" in unknown
    assert "letters, digits, dots and underscores only" in malformed
    assert not Identity.objects.filter(handle="nobody.here").exists()


def test_without_the_brands_instagram_a_lookup_asks_to_connect_it(client, graph, owner):
    response = client.post(
        reverse("perks:instagram_lookup", args=[owner.brand.slug]),
        {"username": "facebookfordevelopers"},
        follow=True,
    )
    assert "Connect your brand" in response.content.decode() and not graph.requests
