"""The brand's details: the owner alone changes them and sees the billing part."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from tests.factories import BrandMembershipFactory, UserFactory, brand_owner

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Brew Co",
    "website": "https://brew.example",
    "billing_name": "Brew Company Ltd",
    "billing_email": "invoices@brew.example",
    "billing_address": "7 Bean Street\nPortland",
    "tax_id": "GB123456789",
}


def test_the_owner_saves_the_name_website_and_billing_details(client):
    owner = brand_owner(name="Old name")
    client.force_login(owner.user)
    url = reverse("accounts:brand_details", args=[owner.brand.slug])
    response = client.post(url, DETAILS)
    assert response.status_code == 302
    owner.brand.refresh_from_db()
    assert owner.brand.name == "Brew Co" and owner.brand.billing_email == "invoices@brew.example"
    assert "GB123456789" in client.get(url).content.decode()


def test_nonsense_is_said_and_nothing_is_saved(client):
    owner = brand_owner(name="Kept")
    client.force_login(owner.user)
    url = reverse("accounts:brand_details", args=[owner.brand.slug])
    page = client.post(url, {**DETAILS, "name": "", "billing_email": "not an address"}).content.decode()
    assert "Enter a valid email address." in page and "This field is required." in page
    assert "<strong>Kept</strong>" in page  # the saved name, not the rejected one, in the navigation
    owner.brand.refresh_from_db()
    assert owner.brand.name == "Kept" and owner.brand.billing_email == ""


def test_a_team_member_sees_neither_the_billing_details_nor_a_form_and_cannot_post(client):
    owner = brand_owner()
    services.brand_details_update(membership=owner, **DETAILS)
    teammate = BrandMembershipFactory(brand=owner.brand)
    client.force_login(teammate.user)
    url = reverse("accounts:brand_details", args=[owner.brand.slug])
    page = client.get(url).content.decode()
    assert "Brew Co" in page and owner.user.email in page
    assert (
        "Brew Company Ltd" not in page
        and "invoices@brew.example" not in page
        and '<form method="post" novalidate' not in page
    )
    assert client.post(url, {**DETAILS, "name": "Taken over"}).status_code == 403
    owner.brand.refresh_from_db()
    assert owner.brand.name == "Brew Co"
    with pytest.raises(ValidationError):
        services.brand_details_update(membership=teammate, name="Taken over")


def test_someone_off_the_team_gets_a_404(client):
    owner = brand_owner()
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:brand_details", args=[owner.brand.slug])).status_code == 404
