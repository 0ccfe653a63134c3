"""Many claims at the same moment, against real PostgreSQL, through the service and through the API:
the quantity is never exceeded, and everyone else is told it is all claimed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import api_token_create
from perks import claims
from perks.models import Claim, Perk
from tests.conftest import require
from tests.factories import brand_owner
from tests.personas import scored_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres():
    # SQLite has one writer: it cannot show concurrent claims. CI runs PostgreSQL, where this must run.
    require(connection.vendor == "postgresql", "concurrent claims need PostgreSQL")


def _perk(quantity: int) -> Perk:
    owner = brand_owner()
    today = timezone.localdate()
    return Perk.objects.create(
        brand=owner.brand, title="Beans", description="d", offer="beans", quantity=quantity,
        needs_shipping=False, starts_on=today, ends_on=today + timedelta(days=3), campaign_tag="#beans",
        status=Perk.Status.PUBLISHED,
    )  # fmt: skip


def _all_at_once(calls) -> list[object]:
    """Run each call in its own thread and connection, released together; their outcomes."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001  (the outcome under test)
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_simultaneous_claims_of_ten_units_make_exactly_ten_claims():
    perk = _perk(quantity=10)
    members = [scored_member(score=50) for _ in range(50)]

    outcomes = _all_at_once([lambda m=m: claims.perk_claim(perk=perk, member=m) for m in members])

    won = [o for o in outcomes if isinstance(o, Claim)]
    refused = [o for o in outcomes if isinstance(o, claims.ClaimRefused)]
    assert len(won) == 10 and len(refused) == 40, outcomes
    assert all(str(r) == claims.ALL_CLAIMED_MESSAGE for r in refused)
    perk.refresh_from_db()
    assert perk.taken == 10 == Claim.objects.filter(perk=perk, state="claimed").count()


def test_a_member_double_clicking_claim_gets_one_claim():
    perk = _perk(quantity=10)
    member = scored_member(score=50)

    outcomes = _all_at_once([lambda: claims.perk_claim(perk=perk, member=member) for _ in range(6)])

    assert all(isinstance(o, Claim) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    perk.refresh_from_db()
    assert perk.taken == 1 and Claim.objects.filter(perk=perk).count() == 1


def _member_client() -> Client:
    member = scored_member(score=50)
    issued = api_token_create(user=member.user, member=member, name="t", scopes="perks:read,claims:write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.key}")


def test_fifty_members_claiming_ten_units_at_once_get_ten_201s_and_forty_409s():
    perk = _perk(quantity=10)
    url = reverse("api-perk-claim", args=[perk.pk])
    members = [_member_client() for _ in range(50)]

    responses = _all_at_once(
        [lambda api=api: api.post(url, {}, content_type="application/json") for api in members]
    )

    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [201] * 10 + [409] * 40, responses
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    assert all(
        e == {"code": "conflict", "message": claims.ALL_CLAIMED_MESSAGE, "fields": {}} for e in refused
    )
    perk.refresh_from_db()
    assert perk.taken == 10 == Claim.objects.filter(perk=perk, state="claimed").count()
    assert Claim.objects.filter(perk=perk).count() == 10
