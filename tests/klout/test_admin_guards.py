"""What the admin must not let an operator read or write: invitation keys, computed scores."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import brand_invite
from scoring.models import MemberScore
from tests.factories import MemberFactory, UserFactory, brand_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_invitations_key_is_not_shown(staff_client):
    membership = brand_owner()
    invitation = brand_invite(brand=membership.brand, invited_by=membership.user, email="new@example.org")
    page = staff_client.get(reverse("admin:accounts_brandinvitation_change", args=[invitation.pk]))
    assert page.status_code == 200
    assert invitation.token not in page.content.decode()


def test_scores_are_read_not_written_by_hand(staff_client):
    score = MemberScore.objects.create(
        member=MemberFactory(),
        day=date(2026, 12, 1),
        score=40,
        unsmoothed=40,
        raw=40,
        computed_at=timezone.now(),
    )
    assert staff_client.get(reverse("admin:scoring_memberscore_add")).status_code == 403
    page = staff_client.get(reverse("admin:scoring_memberscore_change", args=[score.pk])).content.decode()
    assert 'name="_save"' not in page
    staff_client.post(reverse("admin:scoring_memberscore_change", args=[score.pk]), {"score": 99})
    score.refresh_from_db()
    assert score.score == 40
