"""The privacy settings page and the tracking check other paths call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.selectors import member_may_be_tracked
from privacy.services import member_opt_out
from tests.factories import MemberFactory, UserFactory
from tests.personas import world_build

pytestmark = pytest.mark.django_db


def test_privacy_page_needs_sign_in(client):
    response = client.get(reverse("privacy:settings"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_privacy_page_for_an_account_without_a_profile(client):
    client.force_login(UserFactory())
    body = client.get(reverse("privacy:settings")).content.decode()
    assert "none of your social accounts are tracked" in body
    for name in ("export", "delete", "public"):
        assert reverse(f"privacy:{name}") in body
    assert reverse("privacy:opt_out") not in body


def test_privacy_page_for_a_new_member_with_nothing_connected(client):
    client.force_login(MemberFactory().user)
    body = client.get(reverse("privacy:settings")).content.decode()
    assert "No accounts are connected yet" in body
    assert reverse("privacy:opt_out") in body


def test_privacy_page_lists_tracked_accounts_then_the_opted_out_state(client):
    world = world_build()
    client.force_login(world.member.user)
    assert "@ada" in client.get(reverse("privacy:settings")).content.decode()
    member_opt_out(member=world.member)
    body = client.get(reverse("privacy:settings")).content.decode()
    assert "You opted out on" in body and "@ada" not in body


def test_privacy_page_queries_stay_few(client, django_assert_max_num_queries):
    world = world_build()
    client.force_login(world.member.user)
    with django_assert_max_num_queries(10):
        client.get(reverse("privacy:settings"))


def test_no_member_is_never_trackable():
    assert member_may_be_tracked(member=None) is False
