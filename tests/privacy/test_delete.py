"""Delete my account: confirmed with email and password, everything goes, signed out, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import BrandMembership, Member, User
from connectors.models import ConnectedAccount, Identity, Interaction, Post, Tombstone, tombstone_digest
from privacy.exports import data_export_build, data_export_file
from privacy.models import DataExport, PrivacyEvent
from privacy.services import account_delete
from scoring.models import MemberScore
from tests.factories import DEFAULT_PASSWORD, BrandMembershipFactory, UserFactory, brand_owner
from tests.personas import ADA, world_build

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_the_account_removes_user_member_their_data_and_exports():
    world = world_build()
    user = world.member.user
    BrandMembershipFactory(user=user)
    export = data_export_build(export_id=DataExport.objects.create(user=user).pk)
    path = data_export_file(export=export)
    account_delete(user=user)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Member.objects.exists()
    assert not BrandMembership.objects.filter(user_id=user.pk).exists()
    assert not Identity.objects.filter(external_id=ADA).exists()
    assert not Post.objects.filter(author_id=world.ada.pk).exists()
    assert not Interaction.objects.filter(actor_id=world.ada.pk).exists()
    assert not MemberScore.objects.exists() and not ConnectedAccount.objects.exists()
    assert not DataExport.objects.exists() and not path.exists()
    assert Tombstone.objects.filter(digest=tombstone_digest(network="x", external_id=ADA)).exists()
    event = PrivacyEvent.objects.get(kind=PrivacyEvent.Kind.ACCOUNT_DELETE)
    assert user.email not in f"{event.subject_digest}{event.counts}"


def test_deleting_without_opting_out_writes_no_tombstone():
    world = world_build()
    account_delete(user=world.member.user, opt_out=False)
    assert not Identity.objects.filter(external_id=ADA).exists()
    assert not Tombstone.objects.exists()


def test_a_brand_owner_must_hand_over_or_delete_the_brand_first():
    owner = brand_owner(name="Acme Snacks")
    with pytest.raises(ValidationError) as caught:
        account_delete(user=owner.user)
    assert "You own the brand “Acme Snacks”. Transfer it" in caught.value.messages[0]
    assert User.objects.filter(pk=owner.user.pk).exists()
    assert not PrivacyEvent.objects.exists()


def test_the_page_needs_the_right_email_and_password(client):
    world = world_build()
    user = world.member.user
    client.force_login(user)
    url = reverse("privacy:delete")
    body = client.post(url, {"email": "someone@else.org", "password": "wrong"}).content.decode()
    assert f"That is not the email of this account ({user.email})." in body
    assert "That password is not right." in body
    assert User.objects.filter(pk=user.pk).exists() and Identity.objects.filter(external_id=ADA).exists()


def test_the_page_deletes_signs_out_and_says_so(client):
    world = world_build()
    user = world.member.user
    client.force_login(user)
    response = client.post(
        reverse("privacy:delete"),
        {"email": user.email.upper(), "password": DEFAULT_PASSWORD, "opt_out": "on"},
        follow=True,
    )
    assert "Your account and everything about it were deleted." in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("privacy:settings")).status_code == 302


def test_the_page_tells_a_brand_owner_why_not_and_offers_no_form(client):
    owner = brand_owner(name="Acme Snacks")
    client.force_login(owner.user)
    body = client.get(reverse("privacy:delete")).content.decode()
    assert "Your account cannot be deleted yet." in body and "Acme Snacks" in body
    assert "Delete my account for good" not in body
    client.post(reverse("privacy:delete"), {"email": owner.user.email, "password": DEFAULT_PASSWORD})
    assert User.objects.filter(pk=owner.user.pk).exists()


def test_a_team_member_who_owns_nothing_can_delete():
    membership = BrandMembershipFactory()
    account_delete(user=membership.user)
    assert not BrandMembership.objects.filter(pk=membership.pk).exists()
    assert not User.objects.filter(pk=membership.user_id).exists()
    assert membership.brand.__class__.objects.filter(pk=membership.brand_id).exists()


def test_a_user_without_a_usable_password_confirms_with_the_email_alone(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    client.post(reverse("privacy:delete"), {"email": user.email})
    assert not User.objects.filter(pk=user.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer; PostgreSQL's locks")
def test_deleting_without_opting_out_waits_for_an_ingest_in_flight():
    # An ingest batch holds the tombstone table in SHARE mode while it stores (see
    # connectors.ingest); a purge without a tombstone must wait for it too, or the batch could
    # store interactions about an identity the purge just deleted.
    import psycopg
    from django.db import OperationalError, transaction

    world = world_build()
    settings = connection.settings_dict
    ingest = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    )
    try:
        ingest.execute(f"LOCK TABLE {Tombstone._meta.db_table} IN SHARE MODE")
        with pytest.raises(OperationalError, match="lock timeout"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                account_delete(user=world.member.user, opt_out=False)
    finally:
        ingest.rollback()
        ingest.close()
    assert Identity.objects.filter(external_id=ADA).exists()
    account_delete(user=world.member.user, opt_out=False)
    assert not Identity.objects.filter(external_id=ADA).exists()
