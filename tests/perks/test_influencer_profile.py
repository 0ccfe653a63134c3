"""The influencer profile brands see: what it shows, and what a member keeps private never shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_create
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, InteractionRecord, PostRecord
from perks.models import Claim, Perk
from scoring.models import HiddenTopic
from tests.factories import UserFactory, brand_owner
from tests.personas import influencer, public_member, refresh

pytestmark = pytest.mark.django_db

ADDRESS = "12 Secret Lane, Springfield"
CONTACT = "parcels-only@example.net"


def campaign_post(identity: Identity, *, text: str, likes: int, days_ago: int = 2, fans: int = 0) -> None:
    now = timezone.now()
    external = f"{identity.external_id}-campaign-{days_ago}"
    ingest_batch(
        batch=Batch(
            posts=[
                PostRecord(
                    network=identity.network, external_id=external, author_id=identity.external_id,
                    created_at=now - timedelta(days=days_ago), text=text, likes=likes,
                )
            ],
            interactions=[
                InteractionRecord(
                    network=identity.network, kind="repost", actor_id=str(700_000 + n),
                    target_id=identity.external_id, occurred_at=now - timedelta(days=days_ago),
                    post_id=external,
                )
                for n in range(fans)
            ],
        ),
        record_changes=False,
    )  # fmt: skip


def perk_of(brand, *, title: str, tag: str) -> Perk:
    today = timezone.localdate()
    return Perk.objects.create(
        brand=brand, title=title, description="A bag of beans.", offer="one bag", quantity=5,
        starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=5), campaign_tag=tag,
        status=Perk.Status.PUBLISHED,
    )  # fmt: skip


@pytest.fixture
def scene(client):
    ours = brand_owner(name="Bean Co")
    client.force_login(ours.user)
    member = public_member(email="maker-private@example.com")
    member.country = "NZ"
    member.save(update_fields=["country"])
    maker = influencer(
        "maker", member=member, score=64, history={20: 50, 10: 58}, followers=2_000,
        bio="Home roaster", texts=("#coffee roasting", "#coffee again", "#secretclub"),
    )  # fmt: skip
    influencer("maker_masto", network="mastodon", member=member, score=40, followers=500)
    perk = perk_of(ours.brand, title="Brew kit", tag="#BrewDay")
    Claim.objects.create(
        perk=perk, member=member, state=Claim.State.SHIPPED, shipping_address=ADDRESS, contact_email=CONTACT
    )
    campaign_post(maker, text="Loving my #BrewDay kit", likes=12, fans=3)
    # Another influencer of the same perk: their post is the perk's, not this profile's.
    other_member = public_member()
    other = influencer("someone_else", member=other_member)
    Claim.objects.create(perk=perk, member=other_member, state=Claim.State.CLAIMED)
    campaign_post(other, text="#BrewDay with #ad", likes=500)
    # Another brand's perk: never shown on our profile of them.
    theirs = brand_owner(name="Rival Roasters")
    Claim.objects.create(
        perk=perk_of(theirs.brand, title="Rival mug", tag="#RivalMug"), member=member, state="claimed"
    )
    HiddenTopic.objects.create(member=member, topic="secretclub")
    refresh()
    return {"brand": ours.brand, "member": member, "maker": maker, "theirs": theirs}


def profile_url(brand, identity_id: int) -> str:
    return reverse("perks:influencer", args=[brand.slug, identity_id])


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_profile_shows_score_history_networks_topics_moments_and_our_perks(client, scene):
    response = client.get(profile_url(scene["brand"], scene["maker"].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "@maker" in page and 'data-testid="score">64<' in page
    assert [point["score"] for point in response.context["chart"]] == [50, 58, 64]
    assert "history-data" in page
    masto = Identity.objects.get(handle="maker_masto")
    assert f'href="{profile_url(scene["brand"], masto.pk)}"' in page  # their other network
    assert "2,500" in page  # audience over both networks
    assert ">coffee<" in page
    assert "Loving my #BrewDay kit" in page  # a top moment: three reposts
    assert "Brew kit" in page and "Shipped" in page
    assert "1 campaign post" in page and "12 reactions" in page and "1 without disclosure" in page
    assert f'action="{reverse("perks:shortlist_add", args=[scene["brand"].slug])}"' in page


def test_nothing_private_shows(client, scene):
    page = without_tokens(client.get(profile_url(scene["brand"], scene["maker"].pk)).content.decode())
    for private in (scene["member"].user.email, ADDRESS, CONTACT, "NZ", "New Zealand", "secretclub"):
        assert private not in page
    assert "Rival mug" not in page  # another brand's perk
    assert "500 reactions" not in page and "#ad" not in page  # another influencer's campaign post


def test_a_private_member_is_not_found_exactly_like_a_missing_identity(client, scene):
    private = member_create(user=UserFactory())
    hidden = influencer("private_person", member=private)
    refresh()
    brand = scene["brand"]
    assert client.get(profile_url(brand, hidden.pk)).status_code == 404
    assert client.get(profile_url(brand, 999_999)).status_code == 404
    unscored = Identity.objects.create(network="x", external_id="31337", handle="never_scored")
    assert client.get(profile_url(brand, unscored.pk)).status_code == 404


def test_an_opted_out_member_is_not_found(client, scene):
    from privacy.services import member_opt_out

    member_opt_out(member=scene["member"])
    assert client.get(profile_url(scene["brand"], scene["maker"].pk)).status_code == 404


def test_another_brands_team_gets_a_404(client, scene):
    client.force_login(scene["theirs"].user)
    assert client.get(profile_url(scene["brand"], scene["maker"].pk)).status_code == 404
    assert client.get(profile_url(scene["theirs"].brand, scene["maker"].pk)).status_code == 200


def test_someone_scored_from_public_activity_has_a_profile_without_perks(client, scene):
    stranger = influencer("public_voice", texts=("#jazz tonight", "#jazz"))
    refresh()
    page = client.get(profile_url(scene["brand"], stranger.pk)).content.decode()
    assert "@public_voice" in page and "jazz" in page
    assert "not a Klout member" in page


def test_the_short_address_goes_to_the_first_brand(client, scene):
    response = client.get(reverse("perks:influencer_redirect", args=[scene["maker"].pk]))
    assert response.url == profile_url(scene["brand"], scene["maker"].pk)
    client.force_login(UserFactory())
    assert (
        "Discovery is for brands"
        in client.get(reverse("perks:influencer_redirect", args=[scene["maker"].pk])).content.decode()
    )
