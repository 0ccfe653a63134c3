"""A brand sees only its own perks, claims, shortlists and addresses; a member only their claims."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Member
from perks import claims, services
from perks.models import Claim, Perk
from tests.factories import BrandMembershipFactory, brand_owner
from tests.personas import scored_member

pytestmark = pytest.mark.django_db

ADDRESS = "12 Secret Lane, Springfield"


@pytest.fixture
def world():
    """Two brands; the first has a published perk claimed (with an address) and a shortlist."""
    ours, theirs = brand_owner(name="Ours"), brand_owner(name="Theirs")
    today = timezone.localdate()
    perk = Perk.objects.create(
        brand=ours.brand, title="Ours only", description="d", offer="a box", quantity=5,
        starts_on=today, ends_on=today + timedelta(days=5), campaign_tag="#ours", status="published",
    )  # fmt: skip
    member = scored_member(score=60)
    claim = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)
    shortlist = services.shortlist_create(brand=ours.brand, name="Coffee people", by=ours.user)
    services.shortlist_add(shortlist=shortlist, identity=member.identities.get(), by=ours.user)
    return {
        "ours": ours,
        "theirs": theirs,
        "perk": perk,
        "claim": claim,
        "shortlist": shortlist,
        "member": member,
    }


def _unmasked(response) -> str:
    """The page without its CSRF token, which is masked anew on every page."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _brand_urls(slug: str, world) -> list[tuple[str, str]]:
    perk, claim, shortlist = world["perk"], world["claim"], world["shortlist"]
    return [
        ("get", reverse("perks:brand_perk", args=[slug, perk.pk])),
        ("get", reverse("perks:perk_edit", args=[slug, perk.pk])),
        ("get", reverse("perks:perk_outcome", args=[slug, perk.pk])),
        ("post", reverse("perks:perk_close", args=[slug, perk.pk])),
        ("post", reverse("perks:perk_publish", args=[slug, perk.pk])),
        ("get", reverse("perks:brand_claim", args=[slug, claim.pk])),
        ("post", reverse("perks:claim_ship", args=[slug, claim.pk])),
        ("post", reverse("perks:claim_cancel", args=[slug, claim.pk])),
        ("get", reverse("perks:shortlist", args=[slug, shortlist.pk])),
        ("get", reverse("perks:shortlist_csv", args=[slug, shortlist.pk])),
        ("post", reverse("perks:shortlist_delete", args=[slug, shortlist.pk])),
    ]


def test_another_brand_gets_a_404_for_each_of_our_objects_through_its_own_pages(client, world):
    theirs = world["theirs"]
    client.force_login(theirs.user)
    ids = {str(world[k].pk) for k in ("perk", "claim", "shortlist")}
    for method, url in _brand_urls(theirs.brand.slug, world):
        response = getattr(client, method)(url)
        # The same answer as for an id that exists nowhere.
        missing_url = "/".join("999999" if part in ids else part for part in url.split("/"))
        missing = getattr(client, method)(missing_url)
        assert (response.status_code, missing.status_code) == (404, 404), url
        assert _unmasked(response) == _unmasked(missing), url
    assert ADDRESS not in client.get(reverse("perks:brand_perks", args=[theirs.brand.slug])).content.decode()
    claim = Claim.objects.get(pk=world["claim"].pk)
    assert claim.state == "claimed" and Perk.objects.get(pk=world["perk"].pk).status == "published"


def test_someone_off_the_team_cannot_use_our_brand_urls_at_all(client, world):
    client.force_login(world["theirs"].user)
    for method, url in _brand_urls(world["ours"].brand.slug, world):
        assert getattr(client, method)(url).status_code == 404, url


def test_a_team_member_who_leaves_loses_access_at_once(client, world):
    colleague = BrandMembershipFactory(brand=world["ours"].brand)
    client.force_login(colleague.user)
    url = reverse("perks:brand_claim", args=[world["ours"].brand.slug, world["claim"].pk])
    assert ADDRESS in client.get(url).content.decode()
    colleague.delete()
    assert client.get(url).status_code == 404


def test_a_member_cannot_see_or_act_on_another_members_claim(client, world):
    other = scored_member(score=60)
    client.force_login(other.user)
    claim = world["claim"]
    assert client.get(reverse("perks:claim", args=[claim.pk])).status_code == 404
    assert client.post(reverse("perks:claim_receive", args=[claim.pk])).status_code == 404
    assert client.post(reverse("perks:claim_decline", args=[claim.pk])).status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == "claimed"


def test_a_private_or_opted_out_member_leaves_the_shortlist_and_its_export(client, world):
    ours, member = world["ours"], world["member"]
    client.force_login(ours.user)
    csv_url = reverse("perks:shortlist_csv", args=[ours.brand.slug, world["shortlist"].pk])
    handle = member.identities.get().handle
    assert handle in client.get(csv_url).content.decode()
    Member.objects.filter(pk=member.pk).update(profile_public=False)
    assert handle not in client.get(csv_url).content.decode()
    page = client.get(reverse("perks:shortlist", args=[ours.brand.slug, world["shortlist"].pk]))
    assert handle not in page.content.decode()
    Member.objects.filter(pk=member.pk).update(profile_public=True, opted_out_at=timezone.now())
    assert handle not in client.get(csv_url).content.decode()


def test_a_shortlist_export_neutralises_spreadsheet_formulas(client, world):
    identity = world["member"].identities.get()
    identity.handle, identity.name = "=HYPERLINK(evil)", "+1"
    identity.save()
    client.force_login(world["ours"].user)
    body = client.get(reverse("perks:shortlist_csv", args=[world["ours"].brand.slug, world["shortlist"].pk]))
    assert "'=HYPERLINK(evil)" in body.content.decode() and "'+1" in body.content.decode()


def test_a_member_never_sees_a_perk_they_are_not_eligible_for(client, world):
    low = scored_member(score=5)
    Perk.objects.filter(pk=world["perk"].pk).update(min_score=50)
    client.force_login(low.user)
    assert client.get(reverse("perks:perk", args=[world["perk"].pk])).status_code == 404
    assert "Ours only" not in client.get(reverse("perks:member_perks")).content.decode()
