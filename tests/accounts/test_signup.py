import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Brand, BrandMembership, Member, User
from tests.factories import brand_owner

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"  # noqa: S105


def signup(client, **data):
    payload = {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    payload.update(data)
    return client.post(reverse("account_signup"), payload)


def test_influencer_signup_creates_member_and_sends_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, account_type="member")
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert Member.objects.filter(user=user).exists()
    assert not user.brand_memberships.exists()
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()


def test_brand_signup_creates_the_brand_with_the_user_as_owner(client):
    signup(client, account_type="brand", brand_name="Acme Snacks")
    brand = Brand.objects.get(name="Acme Snacks")
    assert brand.memberships.get().user.email == "new@example.com"
    assert not Member.objects.exists()


def test_brand_signup_without_a_brand_name_is_refused_with_a_message(client):
    response = signup(client, account_type="brand", brand_name="  ")
    assert response.status_code == 200
    assert "Give your brand" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_mismatched_passwords_keeps_nothing(client):
    response = signup(client, password2="something else entirely")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_signup_through_an_invitation_joins_the_team_without_a_second_verification(client):
    owner = brand_owner(name="Acme")
    invitation = services.brand_invite(brand=owner.brand, invited_by=owner.user, email="joiner@example.com")
    client.get(reverse("accounts:invitation", args=[invitation.token]))
    response = signup(client, email="joiner@example.com")
    assert response.status_code == 302
    user = User.objects.get(email="joiner@example.com")
    assert BrandMembership.objects.filter(brand=owner.brand, user=user, role="member").exists()
    assert EmailAddress.objects.get(user=user).verified
    assert not Member.objects.filter(user=user).exists()


def test_signup_form_labels_every_field(client):
    html = client.get(reverse("account_signup")).content.decode()
    for field_id in ("id_email", "id_password1", "id_password2", "id_brand_name", "id_account_type_0"):
        assert f'for="{field_id}"' in html
