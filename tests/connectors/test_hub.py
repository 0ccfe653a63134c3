"""The connect page: disconnecting (keeping or deleting the data) and "sync now"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.models import ConnectedAccount, Identity, Interaction, Post
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    member = MemberFactory()
    identity = Identity.objects.create(network="x", external_id="42", handle="ada", member=member)
    fan = Identity.objects.create(network="x", external_id="7", handle="fan")
    post = Post.objects.create(network="x", external_id="p1", author=identity, created_at=timezone.now())
    Interaction.objects.create(
        network="x", kind="like", actor=fan, target=identity, post=post, post_external_id="p1",
        occurred_at=timezone.now(),
    )  # fmt: skip
    return ConnectedAccount.objects.create(
        member=member, identity=identity, network="x", access_token="secret-a", refresh_token="secret-r"
    )


def test_the_connect_page_offers_sync_and_disconnect(client, account):
    client.force_login(account.member.user)
    page = client.get(reverse("connect:index")).content.decode()
    assert "Sync now" in page and "Disconnect @ada" in page


def test_disconnecting_and_keeping_the_data_erases_only_the_tokens(client, account):
    client.force_login(account.member.user)
    client.post(reverse("privacy:account_disconnect", args=[account.pk]), {"data": "keep"})
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.DISCONNECTED
    assert (account.access_token, account.refresh_token) == ("", "")
    assert Post.objects.count() == 1 and Interaction.objects.count() == 1
    assert Identity.objects.get(external_id="42").member == account.member


def test_disconnecting_and_deleting_removes_everything_read_from_it(client, account):
    client.force_login(account.member.user)
    client.post(reverse("privacy:account_disconnect", args=[account.pk]), {"data": "delete"})
    assert not ConnectedAccount.objects.exists()
    assert not Identity.objects.filter(external_id="42").exists()
    assert not Post.objects.exists() and not Interaction.objects.exists()
    assert Identity.objects.filter(external_id="7").exists()  # the fan is someone else


def test_someone_elses_account_cannot_be_touched(client, account):
    client.force_login(MemberFactory().user)
    assert (
        client.post(reverse("privacy:account_disconnect", args=[account.pk]), {"data": "delete"}).status_code
        == 404
    )
    assert client.post(reverse("connect:sync_now", args=[account.pk])).status_code == 404
    assert ConnectedAccount.objects.filter(pk=account.pk, status="active").exists()


def test_sync_now_queues_a_sync_but_not_twice_in_five_minutes(
    client, account, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("connectors.twitter.tasks.x_account_sync_task.delay", queued.append)
    client.force_login(account.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(reverse("connect:sync_now", args=[account.pk]), follow=True)
    assert "A sync is on its way" in accepted.content.decode()
    assert queued == [account.pk]
    ConnectedAccount.objects.filter(pk=account.pk).update(
        last_synced_at=timezone.now() - timedelta(minutes=1)
    )
    refused = client.post(reverse("connect:sync_now", args=[account.pk]), follow=True)
    assert "less than five minutes ago" in refused.content.decode()


def test_your_accounts_lists_uploaded_accounts_beside_connected_ones(client, account):
    """One notion of "your accounts": the dashboard's and the privacy page's list, with where
    each came from; an account only a file linked is marked self-reported."""
    member = account.member
    Identity.objects.create(
        network="mastodon", external_id="m1", handle="ada@example.social", member=member, member_claimed=True
    )
    client.force_login(member.user)
    page = client.get(reverse("connect:index")).content.decode()
    assert "No account yet" not in page
    assert "@ada@example.social" in page and "From a file you uploaded (self-reported)" in page
    assert "@ada" in page and "Connected: Klout reads it from the network" in page


def test_a_new_member_is_told_how_to_add_an_account(client):
    client.force_login(MemberFactory().user)
    page = client.get(reverse("connect:index")).content.decode()
    assert "No account yet." in page and 'data-source="x_archive"' in page


def test_an_opted_out_member_is_offered_nothing_to_connect_or_upload(client):
    member = MemberFactory(opted_out_at=timezone.now() - timedelta(days=2))
    client.force_login(member.user)
    page = client.get(reverse("connect:index")).content.decode()
    assert "You opted out of Klout on" in page
    assert "data-source=" not in page and "/import/" not in page and ">Upload<" not in page
