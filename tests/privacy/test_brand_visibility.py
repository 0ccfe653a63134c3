"""Brands never see an opted-out identity, a private profile, or a member's contact details."""

from __future__ import annotations

import pytest

from accounts.models import Member
from connectors.models import Identity
from privacy.selectors import identities_visible_to_brands, members_visible_to_brands
from privacy.services import identity_opt_out, member_opt_out
from tests.factories import MemberFactory
from tests.personas import ADA, BOB, CAROL, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = world_build()
    Member.objects.filter(pk=world.member.pk).update(profile_public=True)
    bobs = MemberFactory(profile_public=True)
    Identity.objects.filter(pk=world.bob.pk).update(member=bobs)
    return world


def _visible() -> set[str]:
    return {row["handle"] for row in identities_visible_to_brands()}


def test_public_members_identities_are_visible(world):
    assert _visible() == {"ada", "bob"}


def test_people_who_never_joined_are_not_listed(world):
    assert "carol" not in _visible()
    assert Identity.objects.filter(external_id=CAROL, member__isnull=True).exists()


def test_a_private_profile_is_not_visible(world):
    Member.objects.filter(pk=world.member.pk).update(profile_public=False)
    assert _visible() == {"bob"}
    assert world.member.slug not in {m["slug"] for m in members_visible_to_brands()}


def test_an_opted_out_member_is_not_visible(world):
    member_opt_out(member=world.member)
    assert _visible() == {"bob"}
    assert world.member.slug not in {m["slug"] for m in members_visible_to_brands()}


def test_an_opted_out_flag_hides_identities_even_if_rows_came_back(world):
    # Should a row reappear through a path that skipped the checks, the flag still hides it.
    Member.objects.filter(pk=world.member.pk).update(opted_out_at="2024-01-01T00:00:00Z")
    assert _visible() == {"bob"}


def test_an_identity_opted_out_by_code_is_not_visible(world):
    identity_opt_out(network="x", external_ids=[BOB])
    assert _visible() == {"ada"}


def test_a_deactivated_account_is_not_visible(world):
    world.member.user.is_active = False
    world.member.user.save()
    assert _visible() == {"bob"}


def test_no_contact_details_are_exposed(world):
    rows = list(identities_visible_to_brands()) + list(members_visible_to_brands())
    text = repr(rows)
    assert world.member.user.email not in text
    for row in rows:
        assert not any("email" in key or "user" in key for key in row)
    # Values, not model instances: brand code cannot walk from a row to the user.
    assert all(isinstance(row, dict) for row in rows)
    assert ADA not in {row.get("external_id") for row in rows}
