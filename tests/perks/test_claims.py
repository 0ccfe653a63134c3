"""Claims: eligibility, the quantity, the state machine, what is recorded and who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from perks import claims
from perks.models import Claim, ClaimEvent, Perk
from perks.services import perk_publish, perk_save
from perks.tasks import perks_end
from tests.factories import brand_owner
from tests.personas import scored_member

pytestmark = pytest.mark.django_db


def make_perk(*, quantity=3, publish=True, **rules) -> Perk:
    owner = brand_owner(name="Brew Co")
    today = timezone.localdate()
    perk = Perk(
        brand=owner.brand,
        title="Brew Day beans",
        description="Our new roast.",
        offer="One bag of beans",
        quantity=quantity,
        starts_on=today,
        ends_on=today + timedelta(days=14),
        campaign_tag="#BrewDay",
        **rules,
    )
    perk_save(perk=perk, by=owner.user)
    if publish:
        perk_publish(perk=perk)
    return perk


ADDRESS = "1 Rue de la Paix\n75002 Paris"


# Mails leave once the change commits: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_an_eligible_member_claims_with_an_address_and_the_brand_is_told():
    perk = make_perk(min_score=40)
    member = scored_member(score=55)
    mail.outbox.clear()

    claim = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)

    assert claim.state == Claim.State.CLAIMED and claim.shipping_address == ADDRESS
    assert claim.contact_email == member.user.email
    perk.refresh_from_db()
    assert perk.taken == 1
    assert [(e.side, e.from_state, e.to_state) for e in claim.events.all()] == [("member", "", "claimed")]
    (message,) = mail.outbox
    assert perk.brand.memberships.get().user.email in message.to and "claimed" in message.subject


def test_a_claim_of_a_shipped_perk_needs_an_address():
    perk = make_perk()
    with pytest.raises(ValidationError) as caught:
        claims.perk_claim(perk=perk, member=scored_member(score=50), shipping_address="  ")
    assert "shipping_address" in caught.value.message_dict
    perk.refresh_from_db()
    assert perk.taken == 0 and not Claim.objects.exists()


@pytest.mark.parametrize(
    ("rules", "member_kwargs", "reason"),
    [
        ({"min_score": 60}, {"score": 59.4}, "scores of 60 and above"),
        ({"networks": ["mastodon"]}, {"score": 70}, "influencers on mastodon"),
        ({"countries": ["FR"]}, {"score": 70, "country": "DE"}, "offered in FR only"),
        ({"topics": ["coffee"]}, {"score": 70, "topics": ["tea"]}, "influencers on coffee"),
    ],
)
def test_a_member_outside_the_rules_cannot_claim_and_takes_nothing(rules, member_kwargs, reason):
    perk = make_perk(**rules)
    with pytest.raises(claims.ClaimRefused, match=reason):
        claims.perk_claim(perk=perk, member=scored_member(**member_kwargs), shipping_address=ADDRESS)
    perk.refresh_from_db()
    assert perk.taken == 0


def test_the_rules_met_let_the_member_claim():
    perk = make_perk(min_score=60, networks=["x"], countries=["FR"], topics=["coffee"])
    member = scored_member(score=59.6, country="FR", topics=["coffee", "tea"])
    assert claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS).state == "claimed"


def test_the_last_unit_goes_to_one_member_and_the_next_is_told_it_is_all_claimed():
    perk = make_perk(quantity=1)
    first, second = scored_member(score=50), scored_member(score=50)
    claims.perk_claim(perk=perk, member=first, shipping_address=ADDRESS)
    with pytest.raises(claims.ClaimRefused, match="all claimed"):
        claims.perk_claim(perk=perk, member=second, shipping_address=ADDRESS)
    assert Claim.objects.filter(perk=perk).count() == 1


def test_claiming_twice_returns_the_first_claim_and_takes_one_unit():
    perk = make_perk()
    member = scored_member(score=50)
    first = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)
    again = claims.perk_claim(perk=perk, member=member, shipping_address="elsewhere")
    perk.refresh_from_db()
    assert again.pk == first.pk and perk.taken == 1 and again.shipping_address == ADDRESS


def test_a_draft_or_ended_perk_cannot_be_claimed():
    draft = make_perk(publish=False)
    with pytest.raises(claims.ClaimRefused, match="not open"):
        claims.perk_claim(perk=draft, member=scored_member(score=50), shipping_address=ADDRESS)
    ended = make_perk()
    Perk.objects.filter(pk=ended.pk).update(
        starts_on=timezone.localdate() - timedelta(days=9), ends_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(claims.ClaimRefused, match="not open"):
        claims.perk_claim(perk=ended, member=scored_member(score=50), shipping_address=ADDRESS)


# Mails leave once the change commits: a real transaction.
@pytest.mark.django_db(transaction=True)
def test_shipping_then_receiving_records_each_step_and_mails_the_other_side():
    perk = make_perk()
    member = scored_member(score=50)
    brand_user = perk.brand.memberships.get().user
    claim = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)
    mail.outbox.clear()

    claim = claims.claim_ship(claim=claim, by=brand_user, tracking_url="https://track.example/123")
    assert claim.state == "shipped" and mail.outbox[-1].to == [member.user.email]
    assert "track.example/123" in mail.outbox[-1].body
    claim = claims.claim_receive(claim=claim, member=member)
    assert claim.state == "received" and brand_user.email in mail.outbox[-1].to

    steps = list(
        ClaimEvent.objects.filter(claim=claim).values_list("side", "from_state", "to_state", "actor")
    )
    assert steps == [
        ("member", "", "claimed", member.user.pk),
        ("brand", "claimed", "shipped", brand_user.pk),
        ("member", "shipped", "received", member.user.pk),
    ]


def test_a_step_out_of_order_is_refused_and_changes_nothing():
    perk = make_perk()
    member = scored_member(score=50)
    claim = claims.perk_claim(perk=perk, member=member, shipping_address=ADDRESS)
    claim = claims.claim_receive(claim=claim, member=member)
    with pytest.raises(claims.ClaimRefused, match="received; it cannot be marked shipped"):
        claims.claim_ship(claim=claim, by=perk.brand.memberships.get().user)
    assert Claim.objects.get(pk=claim.pk).state == "received"


def test_cancelling_a_claim_frees_its_unit():
    perk = make_perk(quantity=1)
    claim = claims.perk_claim(perk=perk, member=scored_member(score=50), shipping_address=ADDRESS)
    claims.claim_cancel(claim=claim, by=perk.brand.memberships.get().user)
    perk.refresh_from_db()
    assert perk.taken == 0
    assert claims.perk_claim(perk=perk, member=scored_member(score=50), shipping_address=ADDRESS)


def test_editing_a_published_perk_never_changes_what_was_claimed():
    perk = make_perk()
    claim = claims.perk_claim(perk=perk, member=scored_member(score=50), shipping_address=ADDRESS)
    perk.title, perk.offer = "Smaller beans", "Half a bag"
    perk_save(perk=perk, by=perk.brand.memberships.get().user)
    claim.refresh_from_db()
    assert (claim.terms["title"], claim.terms["offer"]) == ("Brew Day beans", "One bag of beans")


def test_publishing_mails_the_eligible_members_only(django_capture_on_commit_callbacks):
    eligible = scored_member(score=70)
    scored_member(score=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_perk(min_score=40)
    assert [m.to for m in mail.outbox if "A perk for you" in m.subject] == [[eligible.user.email]]


def test_past_their_end_perks_close_and_offers_expire():
    perk = make_perk()
    member = scored_member(score=50)
    Claim.objects.create(perk=perk, member=member, state=Claim.State.OFFERED, terms={})
    Perk.objects.filter(pk=perk.pk).update(
        starts_on=timezone.localdate() - timedelta(days=20), ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert perks_end() == {"closed": 1, "expired": 1}
    assert Perk.objects.get(pk=perk.pk).status == "closed"
    assert Claim.objects.get(perk=perk).state == "expired"


def test_an_edit_read_before_a_claim_keeps_the_units_the_claim_took():
    perk = make_perk(quantity=3)
    stale = Perk.objects.get(pk=perk.pk)  # the edit form read it with nothing taken
    claims.perk_claim(perk=perk, member=scored_member(score=50), shipping_address=ADDRESS)
    stale.title = "Brew Day beans, new label"
    perk_save(perk=stale, by=perk.brand.memberships.get().user)
    perk.refresh_from_db()
    assert (perk.title, perk.taken, perk.status) == ("Brew Day beans, new label", 1, Perk.Status.PUBLISHED)
