from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import BrandInvitation, BrandMembership
from tests.factories import BrandMembershipFactory, UserFactory, brand_owner

pytestmark = pytest.mark.django_db


def test_brand_create_makes_the_creator_its_only_owner():
    user = UserFactory()
    brand = services.brand_create(owner=user, name="  Acme Snacks ")
    assert brand.name == "Acme Snacks"
    assert brand.slug == "acme-snacks"
    assert list(brand.memberships.values_list("user__email", "role")) == [(user.email, "owner")]


def test_brand_create_gives_a_distinct_slug_to_a_second_brand_of_the_same_name():
    first = services.brand_create(owner=UserFactory(), name="Acme")
    second = services.brand_create(owner=UserFactory(), name="Acme")
    assert (first.slug, second.slug) == ("acme", "acme-2")


def test_invite_emails_a_link_that_accepts_the_invitation(client, django_capture_on_commit_callbacks):
    owner = brand_owner(name="Acme")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="New@Example.com")
    assert invitation.email == "new@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body

    invitee = UserFactory(email="new@example.com")
    membership = services.brand_invitation_accept(invitation=invitation, user=invitee)
    assert membership.role == BrandMembership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.status == BrandInvitation.Status.ACCEPTED
    # Accepting again is harmless.
    assert services.brand_invitation_accept(invitation=invitation, user=invitee) == membership


def test_inviting_the_same_address_twice_resends_one_invitation(django_capture_on_commit_callbacks):
    owner = brand_owner()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="a@example.com")
        second = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="A@example.com")
    assert first.pk == second.pk
    assert BrandInvitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_inviting_someone_already_on_the_team_is_refused():
    owner = brand_owner()
    teammate = BrandMembershipFactory(brand=owner.brand)
    with pytest.raises(ValidationError, match="already on the"):
        services.brand_invite(brand=owner.brand, invited_by=owner.user, email=teammate.user.email)


def test_invitation_cannot_be_accepted_by_another_address():
    owner = brand_owner()
    invitation = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="right@example.com")
    with pytest.raises(ValidationError, match="sent to right@example.com"):
        services.brand_invitation_accept(invitation=invitation, user=UserFactory(email="wrong@example.com"))
    assert not BrandMembership.objects.filter(user__email="wrong@example.com").exists()


def test_expired_and_revoked_invitations_cannot_be_accepted():
    owner = brand_owner()
    invitation = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="late@example.com")
    BrandInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    invitation.refresh_from_db()
    user = UserFactory(email="late@example.com")
    with pytest.raises(ValidationError, match="expired"):
        services.brand_invitation_accept(invitation=invitation, user=user)
    assert services.brand_invitations_expire() == 1
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer valid"):
        services.brand_invitation_accept(invitation=invitation, user=user)


def test_owner_cannot_be_removed():
    owner = brand_owner()
    with pytest.raises(ValidationError):
        services.brand_member_remove(membership=owner)


def test_team_page_is_hidden_from_people_outside_the_brand(client):
    owner = brand_owner()
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:brand_team", args=[owner.brand.slug]))
    assert response.status_code == 404


def test_team_member_sees_the_team_but_cannot_invite(client):
    owner = brand_owner()
    teammate = BrandMembershipFactory(brand=owner.brand)
    client.force_login(teammate.user)
    url = reverse("accounts:brand_team", args=[owner.brand.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert owner.user.email in page.content.decode()
    assert "Invite a team member" not in page.content.decode()
    assert client.post(url, {"email": "x@example.com"}).status_code == 403
    assert not BrandInvitation.objects.exists()


def test_team_page_rejects_a_malformed_email_with_a_message(client):
    owner = brand_owner()
    client.force_login(owner.user)
    response = client.post(reverse("accounts:brand_team", args=[owner.brand.slug]), {"email": "not an email"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert not BrandInvitation.objects.exists()


def test_owner_removes_a_team_member_through_the_page(client):
    owner = brand_owner()
    teammate = BrandMembershipFactory(brand=owner.brand)
    client.force_login(owner.user)
    url = reverse("accounts:brand_member_remove", args=[owner.brand.slug, teammate.pk])
    assert client.post(url).status_code == 302
    assert not BrandMembership.objects.filter(pk=teammate.pk).exists()


def test_signed_in_invitee_accepts_from_the_invitation_page(client):
    owner = brand_owner(name="Acme")
    invitation = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="join@example.com")
    client.force_login(UserFactory(email="join@example.com"))
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 302
    assert BrandMembership.objects.filter(brand=owner.brand, user__email="join@example.com").exists()


def test_unknown_invitation_token_is_a_404(client):
    assert client.get(reverse("accounts:invitation", args=["nope"])).status_code == 404
