"""The perks API: brands find influencers, make, publish and follow perks and ship claims; members
claim, decline and receive. Every boundary: whose token, which scope, whose object."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Member
from accounts.services import member_create
from accounts.tokens import api_token_create, api_token_revoke
from connectors.ingest import ingest_batch
from connectors.records import Batch, InteractionRecord, PostRecord
from perks import claims
from perks.models import Claim, Perk
from scoring.models import HiddenTopic
from tests.factories import UserFactory, brand_owner
from tests.personas import influencer, public_member, refresh, scored_member

pytestmark = pytest.mark.django_db

ADDRESS = "12 Secret Lane, Springfield"
BRAND_SCOPES = "scores:read,perks:read,perks:write,claims:write"
MEMBER_SCOPES = "perks:read,claims:write"
ALL_SCOPES = "scores:read,me:read,perks:read,perks:write,claims:write"


def brand_api(membership, scopes: str = BRAND_SCOPES, **kwargs) -> Client:
    issued = api_token_create(user=membership.user, brand=membership.brand, name="t", scopes=scopes, **kwargs)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.key}")


def member_api(member: Member, scopes: str = MEMBER_SCOPES, **kwargs) -> Client:
    issued = api_token_create(user=member.user, member=member, name="t", scopes=scopes, **kwargs)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.key}")


def call(client: Client, method: str, url: str, body: dict | None = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, content_type="application/json")


def error_of(response, status: int) -> dict:
    """The one error body, checked for its shape; its ``error`` part."""
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def make_perk(brand, *, quantity=5, status="published", needs_shipping=True, **fields) -> Perk:
    today = timezone.localdate()
    defaults = {
        "title": "Brew Day beans", "description": "Our new roast.", "offer": "One bag of beans",
        "starts_on": today, "ends_on": today + timedelta(days=14), "campaign_tag": "#BrewDay",
    }  # fmt: skip
    return Perk.objects.create(
        brand=brand, quantity=quantity, status=status, needs_shipping=needs_shipping, **{**defaults, **fields}
    )


@pytest.fixture
def world():
    """Two brands; ours has a published perk claimed (with an address) by a member."""
    ours, theirs = brand_owner(name="Ours"), brand_owner(name="Theirs")
    perk = make_perk(ours.brand)
    member = scored_member(score=60)
    claim = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)
    return {"ours": ours, "theirs": theirs, "perk": perk, "member": member, "claim": claim}


PERK_BODY = {
    "title": "Trial box",
    "description": "Three teas to try.",
    "offer": "A box of three teas",
    "quantity": 20,
    "needs_shipping": True,
    "min_score": 30,
    "networks": ["x", "mastodon"],
    "countries": ["fr", "DE"],
    "topics": ["#Tea"],
    "starts_on": "2030-01-01",
    "ends_on": "2030-01-31",
    "campaign_tag": "#TeaTime",
}


def brand_endpoints(world) -> list[tuple[str, str, str, dict | None]]:
    """(method, url, scope needed, body) of every endpoint that acts for a brand."""
    perk, claim = world["perk"].pk, world["claim"].pk
    return [
        ("get", reverse("api-influencers"), "scores:read", None),
        ("get", reverse("api-perks"), "perks:read", None),
        ("post", reverse("api-perks"), "perks:write", PERK_BODY),
        ("get", reverse("api-perk", args=[perk]), "perks:read", None),
        ("patch", reverse("api-perk", args=[perk]), "perks:write", {"quantity": 9}),
        ("post", reverse("api-perk-publish", args=[perk]), "perks:write", None),
        ("get", reverse("api-perk-claims", args=[perk]), "perks:read", None),
        ("get", reverse("api-perk-outcome", args=[perk]), "perks:read", None),
        ("patch", reverse("api-claim", args=[claim]), "claims:write", {"action": "ship"}),
    ]


def member_endpoints(world) -> list[tuple[str, str, str, dict | None]]:
    perk, claim = world["perk"].pk, world["claim"].pk
    return [
        ("get", reverse("api-my-perks"), "perks:read", None),
        ("post", reverse("api-perk-claim", args=[perk]), "claims:write", {"shipping_address": ADDRESS}),
        ("post", reverse("api-perk-decline", args=[perk]), "claims:write", None),
        ("post", reverse("api-claim-received", args=[claim]), "claims:write", None),
    ]


# --- who may call what ---------------------------------------------------------------------------


def test_every_endpoint_needs_a_token_and_says_so_in_the_error_body(world):
    anonymous = Client()
    for method, url, _, body in brand_endpoints(world) + member_endpoints(world):
        error = error_of(call(anonymous, method, url, body), 401)
        assert error["code"] == "not_authenticated" and error["fields"] == {}, url
    assert Claim.objects.get().state == "claimed"


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_a_revoked_expired_or_unknown_token_is_refused_everywhere(world, how):
    issued = {
        "brand": api_token_create(
            user=world["ours"].user, brand=world["ours"].brand, name="t", scopes=BRAND_SCOPES,
            expires_at=timezone.now() + timedelta(hours=1),
        ),
        "member": api_token_create(
            user=world["member"].user, member=world["member"], name="t", scopes=MEMBER_SCOPES,
            expires_at=timezone.now() + timedelta(hours=1),
        ),
    }  # fmt: skip
    keys = {side: token.key for side, token in issued.items()}
    if how == "revoked":
        for token in issued.values():
            api_token_revoke(token=token.token)
    elif how == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        keys = {side: key[:-4] + "xxxx" for side, key in keys.items()}
    for side, endpoints in (("brand", brand_endpoints(world)), ("member", member_endpoints(world))):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {keys[side]}")
        for method, url, _, body in endpoints:
            assert error_of(call(client, method, url, body), 401)["code"] == "not_authenticated", url


def test_each_endpoint_needs_its_own_scope(world):
    for side, endpoints in (("brand", brand_endpoints(world)), ("member", member_endpoints(world))):
        for method, url, scope, body in endpoints:
            others = ",".join(s for s in ALL_SCOPES.split(",") if s != scope)
            client = (
                brand_api(world["ours"], others) if side == "brand" else member_api(world["member"], others)
            )
            error = error_of(call(client, method, url, body), 403)
            assert error["code"] == "permission_denied", url
            assert error["message"] == f"This token lacks the scope {scope}.", url
    assert Claim.objects.get().state == "claimed" and Perk.objects.count() == 1


def test_a_member_token_cannot_act_for_a_brand_nor_a_brand_token_for_a_member(world):
    as_member = member_api(world["member"], ALL_SCOPES)
    for method, url, _, body in brand_endpoints(world):
        error = error_of(call(as_member, method, url, body), 403)
        assert "needs a brand's token" in error["message"], url
    as_brand = brand_api(world["ours"], ALL_SCOPES)
    for method, url, _, body in member_endpoints(world):
        error = error_of(call(as_brand, method, url, body), 403)
        assert "needs a member's token" in error["message"], url
    perk = Perk.objects.get()
    assert perk.quantity == 5 and Claim.objects.get().state == "claimed"


def test_another_brands_perks_and_claims_answer_exactly_like_missing_ones(world):
    theirs = brand_api(world["theirs"])
    ids = {str(world["perk"].pk), str(world["claim"].pk)}
    for method, url, _, body in brand_endpoints(world):
        if not ids & set(url.split("/")):
            continue
        missing_url = "/".join("999999" if part in ids else part for part in url.split("/"))
        response, missing = call(theirs, method, url, body), call(theirs, method, missing_url, body)
        assert error_of(response, 404) == error_of(missing, 404), url
    perk = Perk.objects.get()
    assert perk.quantity == 5 and Claim.objects.get().state == "claimed"
    listed = theirs.get(reverse("api-perks")).json()
    assert listed["results"] == []


def test_a_member_never_acts_on_another_members_claim(world):
    stranger = member_api(scored_member(score=60))
    url = reverse("api-claim-received", args=[world["claim"].pk])
    missing = reverse("api-claim-received", args=[999_999])
    assert error_of(stranger.post(url), 404) == error_of(stranger.post(missing), 404)
    assert Claim.objects.get().state == "claimed"
    claims_seen = stranger.get(reverse("api-my-perks")).json()["claims"]
    assert claims_seen == []


@pytest.mark.parametrize("perk_kwargs", [{"status": "draft"}, {"min_score": 90}, {"countries": ["JP"]}])
def test_a_perk_the_member_may_not_see_is_a_404_like_a_missing_one(world, perk_kwargs):
    hidden = make_perk(world["ours"].brand, **perk_kwargs)
    api = member_api(scored_member(score=60, country="FR"))
    for name in ("api-perk-claim", "api-perk-decline"):
        response = api.post(reverse(name, args=[hidden.pk]), {}, content_type="application/json")
        missing = api.post(reverse(name, args=[999_999]), {}, content_type="application/json")
        assert error_of(response, 404) == error_of(missing, 404), name
    assert not Claim.objects.filter(perk=hidden).exists()


# --- influencers ---------------------------------------------------------------------------------------


@pytest.fixture
def search():
    api = brand_api(brand_owner(name="Bean Co"))

    def handles(**params) -> list[str]:
        response = api.get(reverse("api-influencers"), params)
        assert response.status_code == 200, response.content
        return [row["handle"] for row in response.json()["results"]]

    handles.api = api
    return handles


def test_influencers_are_discovery_with_the_apis_names_for_its_filters(search):
    influencer(
        "coffee_pro", score=70, followers=50_000, bio="Roaster", location="Berlin, Germany",
        texts=("#coffee beans", "#coffee"), history={30: 60},
    )  # fmt: skip
    influencer("tea_fan", score=35, followers=300, language="pt", texts=("#tea ceremony", "#tea"))
    influencer(
        "masto", network="mastodon", score=55, followers=4_000, texts=("marathon tonight",), history={30: 20}
    )
    refresh()
    assert search() == ["coffee_pro", "masto", "tea_fan"]
    assert search(min_score=50) == ["coffee_pro", "masto"]
    assert search(min_score=30, max_score=60) == ["masto", "tea_fan"]
    assert search(network="mastodon") == ["masto"]
    assert search(topic="#Coffee") == ["coffee_pro"]
    assert search(q="roast") == ["coffee_pro"]
    assert search(q="marathon tonight") == ["masto"]
    assert search(language="PT") == ["tea_fan"]
    assert search(country="germany") == ["coffee_pro"]
    assert search(ordering="change") == ["masto", "coffee_pro", "tea_fan"]
    assert search(ordering="audience") == ["coffee_pro", "masto", "tea_fan"]


def test_an_influencer_shows_what_discovery_shows_and_nothing_private(search):
    member = public_member(country="FR")
    identity = influencer(
        "barista", score=61, history={29: 40}, followers=12_345, location="Lyon", member=member,
        texts=("#latteart every morning", "#latteart again"),
    )  # fmt: skip
    refresh()
    (row,) = search.api.get(reverse("api-influencers")).json()["results"]
    assert set(row) == {
        "identity_id", "network", "handle", "name", "location", "language", "score", "day", "change",
        "audience", "engagement", "posts", "verified", "topics", "profile_url",
    }  # fmt: skip
    assert row["identity_id"] == identity.pk and row["handle"] == "barista" and row["location"] == "Lyon"
    assert row["score"] == 61 and row["change"] == 21 and row["audience"] == 12_345
    assert "latteart" in row["topics"] and row["profile_url"].endswith(f"/influencers/{identity.pk}/")
    assert "FR" not in str(row) and member.user.email not in str(row)


def test_country_matches_the_public_location_and_never_the_members_private_country(search):
    influencer("in_berlin", location="Berlin, Germany", member=public_member(country="ES"))
    influencer("in_paris", location="Paris, France", member=public_member(country="JP"))
    refresh()
    assert search(country="France") == ["in_paris"]
    assert search(country="germany") == ["in_berlin"]
    # The member in Berlin told Klout ES, the one in Paris JP: no brand may find them by it.
    assert search(country="ES") == [] and search(country="JP") == []


def test_private_members_and_hidden_topics_are_never_found(search):
    shy = member_create(user=UserFactory())
    influencer("shy", member=shy, texts=("#coffee", "#coffee"))
    open_member = public_member()
    influencer("open", member=open_member, texts=("#poker night", "#poker again", "#coffee", "#coffee"))
    refresh()
    HiddenTopic.objects.create(member=open_member, topic="poker")
    assert search() == ["open"]
    assert search(topic="poker") == [] and search(q="poker") == []
    (row,) = search.api.get(reverse("api-influencers")).json()["results"]
    assert "poker" not in row["topics"] and "coffee" in row["topics"]


def test_bad_parameters_are_a_400_naming_each_one(search):
    url = reverse("api-influencers")
    for params, field in (
        ({"min_score": "lots"}, "min_score"),
        ({"min_score": ""}, "min_score"),
        ({"max_score": 101}, "max_score"),
        ({"network": "myspace"}, "network"),
        ({"ordering": "fame"}, "ordering"),
        ({"sort": "score"}, "sort"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
    ):
        error = error_of(search.api.get(url, params), 400)
        assert error["code"] == "invalid" and list(error["fields"]) == [field], params
    error = error_of(search.api.get(url, {"cursor": "not-a-cursor"}), 404)
    assert error["message"] == "Invalid cursor"


def _walk(api: Client, url: str, params: dict) -> tuple[list[list[str]], dict]:
    """Every page from the first, following ``next``; the pages' handles and the last body."""
    body = api.get(url, params).json()
    pages = [[row["handle"] for row in body["results"]]]
    while body["next"]:
        body = api.get(body["next"]).json()
        pages.append([row["handle"] for row in body["results"]])
    return pages, body


@pytest.mark.parametrize("ordering", ["score", "change", "engagement"])
def test_influencer_pages_neither_repeat_nor_skip_anyone_even_when_many_tie(search, ordering):
    # Twelve people on two scores, every change and engagement 0: ties a page boundary falls inside.
    people = [influencer(f"p{n:02d}", score=50 if n < 6 else 40) for n in range(12)]
    refresh()
    by_identity = sorted(people, key=lambda i: -i.pk)
    expected = [i.handle for i in by_identity if i.handle < "p06"] + [
        i.handle for i in by_identity if i.handle >= "p06"
    ]
    if ordering != "score":
        expected = [i.handle for i in by_identity]
    pages, last = _walk(search.api, reverse("api-influencers"), {"ordering": ordering, "page_size": 5})
    assert [len(page) for page in pages] == [5, 5, 2]
    assert sum(pages, []) == expected
    # And back again, page by page.
    back = [[row["handle"] for row in last["results"]]]
    body = last
    while body["previous"]:
        body = search.api.get(body["previous"]).json()
        back.insert(0, [row["handle"] for row in body["results"]])
    assert back == pages


def test_a_search_costs_the_same_queries_for_one_row_or_twenty_five(search):
    influencer("lonely", member=public_member(), texts=("#tea", "#tea"))
    for n in range(30):
        influencer(f"crowd{n}", member=public_member() if n % 3 == 0 else None, texts=("#coffee", "#coffee"))
    refresh()
    url = reverse("api-influencers")
    search.api.get(url)  # the token's first use is written once; not what is measured
    counts = []
    for topic, rows in (("tea", 1), ("coffee", 25)):
        with CaptureQueriesContext(connection) as queries:
            body = search.api.get(url, {"topic": topic}).json()
        assert len(body["results"]) == rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The token with its user, the brand's team (token and membership), the topic's people, the
    # page, the hidden topics.
    assert counts[1] <= 6, counts


# --- the brand's perks ---------------------------------------------------------------------------------


def test_a_brand_creates_a_draft_and_reads_it_back(world):
    api = brand_api(world["ours"])
    response = api.post(reverse("api-perks"), PERK_BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    perk = Perk.objects.get(pk=created["id"])
    assert perk.brand == world["ours"].brand and perk.created_by == world["ours"].user
    assert created["status"] == "draft" and created["taken"] == 0 and created["left"] == 20
    # The page's rules: countries upper case, topics without their #, lists sorted.
    assert created["countries"] == ["DE", "FR"] and created["topics"] == ["tea"]
    assert created["image_url"] is None and created["published_at"] is None
    assert api.get(reverse("api-perk", args=[perk.pk])).json() == created


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "20"}, "quantity"),
        ({"needs_shipping": 1}, "needs_shipping"),
        ({"min_score": 101}, "min_score"),
        ({"countries": ["France"]}, "countries"),
        ({"topics": ["two words"]}, "topics"),
        ({"networks": ["myspace"]}, "networks"),
        ({"ends_on": "2029-12-31"}, "ends_on"),
        ({"campaign_tag": "no tag"}, "campaign_tag"),
        ({"starts_on": "soon"}, "starts_on"),
    ],
)
def test_a_perk_the_form_would_refuse_is_a_400_naming_the_field(world, change, field):
    api = brand_api(world["ours"])
    response = api.post(reverse("api-perks"), {**PERK_BODY, **change}, content_type="application/json")
    error = error_of(response, 400)
    assert list(error["fields"]) == [field], error
    assert Perk.objects.count() == 1


def test_a_missing_field_is_named_and_a_form_body_is_refused(world):
    api = brand_api(world["ours"])
    body = {k: v for k, v in PERK_BODY.items() if k != "offer"}
    assert list(
        error_of(api.post(reverse("api-perks"), body, content_type="application/json"), 400)["fields"]
    ) == ["offer"]
    assert error_of(api.post(reverse("api-perks"), PERK_BODY), 415)["code"] == "unsupported_media_type"


def test_patch_changes_only_the_fields_given_and_keeps_the_rules(world):
    api = brand_api(world["ours"])
    perk = world["perk"]
    url = reverse("api-perk", args=[perk.pk])
    before = api.get(url).json()
    after = api.patch(url, {"quantity": 8, "topics": ["Coffee"]}, content_type="application/json").json()
    assert after == {**before, "quantity": 8, "left": 7, "topics": ["coffee"]}
    # One unit is claimed: the quantity cannot go under it.
    Perk.objects.filter(pk=perk.pk).update(taken=3)
    error = error_of(api.patch(url, {"quantity": 2}, content_type="application/json"), 400)
    assert list(error["fields"]) == ["quantity"], error
    Perk.objects.filter(pk=perk.pk).update(taken=1)
    error = error_of(api.patch(url, {"ends_on": "2000-01-01"}, content_type="application/json"), 400)
    assert "ends_on" in error["fields"]
    perk.refresh_from_db()
    assert perk.quantity == 8 and perk.ends_on > timezone.localdate()
    # The claim keeps the terms its member accepted.
    api.patch(url, {"offer": "Two bags"}, content_type="application/json")
    assert Claim.objects.get().terms["offer"] == "One bag of beans"


def test_publishing_a_draft_then_again(world):
    api = brand_api(world["ours"])
    draft = make_perk(world["ours"].brand, status="draft")
    url = reverse("api-perk-publish", args=[draft.pk])
    body = api.post(url).json()
    assert body["status"] == "published" and body["published_at"]
    error = error_of(api.post(url), 409)
    assert error["code"] == "conflict" and error["message"] == "Only a draft can be published."
    ended = make_perk(
        world["ours"].brand, status="draft", starts_on=timezone.localdate() - timedelta(days=9),
        ends_on=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    error = error_of(api.post(reverse("api-perk-publish", args=[ended.pk])), 400)
    assert list(error["fields"]) == ["ends_on"]
    ended.refresh_from_db()
    assert ended.status == "draft"


def test_the_brands_perks_come_in_cursor_pages_newest_first(world):
    api = brand_api(world["ours"])
    made = [world["perk"]] + [make_perk(world["ours"].brand, title=f"Perk {n}") for n in range(4)]
    make_perk(world["theirs"].brand, title="Theirs")
    pages, _ = _ids_walk(api, reverse("api-perks"), {"page_size": 2})
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sum(pages, []) == [perk.pk for perk in reversed(made)]


def _ids_walk(api: Client, url: str, params: dict) -> tuple[list[list[int]], dict]:
    body = api.get(url, params).json()
    pages = [[row["id"] for row in body["results"]]]
    while body["next"]:
        body = api.get(body["next"]).json()
        pages.append([row["id"] for row in body["results"]])
    return pages, body


def test_a_perks_claims_show_the_address_given_to_the_brand_in_pages(world):
    api = brand_api(world["ours"])
    perk = world["perk"]
    later = [
        claims.perk_claim(perk=perk, member=scored_member(score=60), shipping_address=f"{n} Road")
        for n in range(2)
    ]
    other = make_perk(world["ours"].brand, title="Other")
    claims.perk_claim(perk=other, member=scored_member(score=60), shipping_address="elsewhere")
    pages, _ = _ids_walk(api, reverse("api-perk-claims", args=[perk.pk]), {"page_size": 2})
    assert pages == [[later[1].pk, later[0].pk], [world["claim"].pk]]
    first = api.get(reverse("api-perk-claims", args=[perk.pk]), {"page_size": 3}).json()["results"][-1]
    assert first["shipping_address"] == ADDRESS and first["contact_email"] == world["member"].user.email
    assert (
        first["state"] == "claimed" and first["perk_id"] == perk.pk and first["terms"]["title"] == perk.title
    )


def test_the_brand_ships_or_cancels_a_claim(world):
    api = brand_api(world["ours"])
    claim = world["claim"]
    url = reverse("api-claim", args=[claim.pk])
    error = error_of(api.patch(url, {"action": "lose"}, content_type="application/json"), 400)
    assert list(error["fields"]) == ["action"]
    error = error_of(
        api.patch(url, {"action": "ship", "tracking_url": "nowhere"}, content_type="application/json"), 400
    )
    assert list(error["fields"]) == ["tracking_url"]
    body = api.patch(
        url, {"action": "ship", "tracking_url": "https://track.example/1Z9"}, content_type="application/json"
    ).json()
    assert body["state"] == "shipped" and body["tracking_url"] == "https://track.example/1Z9"
    error = error_of(api.patch(url, {"action": "ship"}, content_type="application/json"), 409)
    assert error["message"] == "This claim is shipped; it cannot be marked shipped now."
    error = error_of(api.patch(url, {"action": "cancel"}, content_type="application/json"), 409)
    assert "cannot be cancelled" in error["message"]
    second = claims.perk_claim(perk=world["perk"], member=scored_member(score=60), shipping_address=ADDRESS)
    body = api.patch(
        reverse("api-claim", args=[second.pk]), {"action": "cancel"}, content_type="application/json"
    ).json()
    assert body["state"] == "cancelled"
    world["perk"].refresh_from_db()
    assert world["perk"].taken == 1  # the cancelled claim's unit is free again
    assert [e.side for e in Claim.objects.get(pk=claim.pk).events.all()] == ["member", "brand"]


def test_the_outcome_counts_the_campaign_posts(world):
    api = brand_api(world["ours"])
    perk = world["perk"]
    author = world["member"].identities.get().external_id
    when = timezone.now() - timedelta(minutes=5)
    Perk.objects.filter(pk=perk.pk).update(starts_on=timezone.localdate() - timedelta(days=1))
    ingest_batch(
        batch=Batch(
            posts=[
                PostRecord(
                    network="x", external_id="c-1", author_id=author, created_at=when, text="Loving #BrewDay"
                )
            ],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=str(900_000 + n), target_id=author,
                    occurred_at=when, post_id="c-1",
                )
                for n in range(3)
            ],
        )
    )  # fmt: skip
    body = api.get(reverse("api-perk-outcome", args=[perk.pk])).json()
    assert body["perk_id"] == perk.pk and body["campaign_tag"] == "#BrewDay"
    assert body["reactions"] == 3 and body["reached"] == 3 and body["undisclosed"] == 1
    (post,) = body["posts"]
    assert post["text"] == "Loving #BrewDay" and post["discloses"] is False and post["reactions"] == 3
    (row,) = body["influencers"]
    assert row["posts"] == 1 and row["reactions"] == 3
    assert sum(day["reactions"] for day in body["by_day"]) == 3


def test_a_perk_with_an_image_gives_the_guarded_address_of_it(world):
    Perk.objects.filter(pk=world["perk"].pk).update(image="perks/1/beans.png")
    body = brand_api(world["ours"]).get(reverse("api-perk", args=[world["perk"].pk])).json()
    assert body["image_url"] == "http://testserver" + reverse("perks:perk_image", args=[world["perk"].pk])


# --- the member's side -------------------------------------------------------------------------------


def test_my_perks_are_those_open_to_me_and_my_claims_and_offers(world):
    brand = world["ours"].brand
    open_perk = make_perk(brand, title="Open to all", needs_shipping=False)
    make_perk(brand, title="Too high", min_score=90)
    make_perk(brand, title="A draft", status="draft")
    make_perk(brand, title="All gone", quantity=1, taken=1)
    offered_perk = make_perk(brand, title="Just for you", min_score=90)
    offer = Claim.objects.create(
        perk=offered_perk, member=world["member"], state="offered", terms={"title": "Just for you"}
    )
    body = member_api(world["member"]).get(reverse("api-my-perks")).json()
    assert [perk["title"] for perk in body["open"]] == ["Open to all"]
    assert body["open"][0]["id"] == open_perk.pk and body["open"][0]["brand"] == "Ours"
    assert body["open"][0]["left"] == 5 and body["open"][0]["needs_shipping"] is False
    assert {(c["id"], c["state"]) for c in body["claims"]} == {
        (world["claim"].pk, "claimed"),
        (offer.pk, "offered"),
    }
    assert "#ad" in body["disclosure"]


def test_a_member_claims_once_and_a_second_call_returns_the_same_claim(world):
    perk = make_perk(world["ours"].brand, title="Beans")
    member = scored_member(score=50)
    api = member_api(member)
    url = reverse("api-perk-claim", args=[perk.pk])
    first = api.post(url, {"shipping_address": ADDRESS}, content_type="application/json")
    assert first.status_code == 201
    claim = first.json()
    assert claim["state"] == "claimed" and claim["shipping_address"] == ADDRESS
    assert claim["contact_email"] == member.user.email and claim["brand"] == "Ours"
    again = api.post(url, {"shipping_address": "elsewhere"}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == claim["id"]
    perk.refresh_from_db()
    assert perk.taken == 1


def test_a_claim_without_the_address_it_needs_is_a_400_naming_it(world):
    perk = make_perk(world["ours"].brand)
    api = member_api(scored_member(score=50))
    for body in ({}, {"shipping_address": "   "}):
        error = error_of(
            api.post(reverse("api-perk-claim", args=[perk.pk]), body, content_type="application/json"), 400
        )
        assert list(error["fields"]) == ["shipping_address"]
    error = error_of(
        api.post(
            reverse("api-perk-claim", args=[perk.pk]), {"shipping_address": ADDRESS, "contact_email": "nope"},
            content_type="application/json",
        ),
        400,
    )  # fmt: skip
    assert list(error["fields"]) == ["contact_email"]
    perk.refresh_from_db()
    assert perk.taken == 0


def test_an_all_claimed_perk_or_a_declined_offer_is_a_409_saying_why(world):
    last_one = make_perk(world["ours"].brand, quantity=1, needs_shipping=False)
    claims.perk_claim(perk=last_one, member=scored_member(score=50))
    api = member_api(scored_member(score=50))
    error = error_of(call(api, "post", reverse("api-perk-claim", args=[last_one.pk])), 409)
    assert error["code"] == "conflict" and error["message"] == claims.ALL_CLAIMED_MESSAGE

    member = scored_member(score=50)
    offered = make_perk(world["ours"].brand, needs_shipping=False)
    Claim.objects.create(perk=offered, member=member, state="offered")
    api = member_api(member)
    assert api.post(reverse("api-perk-decline", args=[offered.pk])).json()["state"] == "declined"
    error = error_of(call(api, "post", reverse("api-perk-claim", args=[offered.pk])), 409)
    assert error["message"] == "This perk can no longer be claimed: your claim was declined."
    error = error_of(api.post(reverse("api-perk-decline", args=[offered.pk])), 409)
    assert "cannot be declined" in error["message"]


def test_only_an_offer_can_be_declined(world):
    api = member_api(world["member"])
    error = error_of(api.post(reverse("api-perk-decline", args=[world["perk"].pk])), 409)
    assert "cannot be declined" in error["message"]  # already claimed
    open_perk = make_perk(world["ours"].brand, needs_shipping=False)
    error = error_of(api.post(reverse("api-perk-decline", args=[open_perk.pk])), 409)
    assert "was not offered to you" in error["message"]
    assert not Claim.objects.filter(perk=open_perk).exists()


def test_the_member_says_the_perk_arrived(world):
    api = member_api(world["member"])
    url = reverse("api-claim-received", args=[world["claim"].pk])
    body = api.post(url).json()
    assert body["state"] == "received" and body["id"] == world["claim"].pk
    error = error_of(api.post(url), 409)
    assert error["message"] == "This claim is received; it cannot be marked received now."
    world["perk"].refresh_from_db()
    assert world["perk"].taken == 1  # a received perk still holds its unit


def test_every_perks_operation_is_in_the_schema(client):
    paths = client.get(reverse("api-schema")).json()["paths"]
    operations = {
        "/api/v1/influencers/": {"get"},
        "/api/v1/perks/": {"get", "post"},
        "/api/v1/perks/{perk_id}/": {"get", "patch"},
        "/api/v1/perks/{perk_id}/publish/": {"post"},
        "/api/v1/perks/{perk_id}/claims/": {"get"},
        "/api/v1/perks/{perk_id}/outcome/": {"get"},
        "/api/v1/claims/{claim_id}/": {"patch"},
        "/api/v1/me/perks/": {"get"},
        "/api/v1/perks/{perk_id}/claim/": {"post"},
        "/api/v1/perks/{perk_id}/decline/": {"post"},
        "/api/v1/claims/{claim_id}/received/": {"post"},
    }
    for path, methods in operations.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            assert (
                operation["summary"] and "401" in operation["responses"] and "403" in operation["responses"]
            )
