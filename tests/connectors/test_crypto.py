from __future__ import annotations

import pytest
from django.db import connection

from connectors.crypto import TokenDecryptionError, token_decrypt, token_encrypt
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity
from connectors.records import Batch, IdentityRecord
from tests.factories import MemberFactory


def test_a_token_round_trips_and_the_ciphertext_does_not_contain_it():
    ciphertext = token_encrypt(plaintext="oauth-token-123")

    assert "oauth-token-123" not in ciphertext
    assert token_decrypt(ciphertext=ciphertext) == "oauth-token-123"


def test_a_rotated_key_still_reads_tokens_written_with_the_old_one(settings):
    settings.TOKEN_ENCRYPTION_KEY = "old key with enough entropy 1"
    ciphertext = token_encrypt(plaintext="t")

    settings.TOKEN_ENCRYPTION_KEY = "new key with enough entropy 2, old key with enough entropy 1"

    assert token_decrypt(ciphertext=ciphertext) == "t"


def test_a_token_written_with_a_lost_key_raises_a_clear_error(settings):
    settings.TOKEN_ENCRYPTION_KEY = "first key"
    ciphertext = token_encrypt(plaintext="t")
    settings.TOKEN_ENCRYPTION_KEY = "another key"

    with pytest.raises(TokenDecryptionError, match="must be reconnected"):
        token_decrypt(ciphertext=ciphertext)


@pytest.mark.django_db
def test_connected_account_tokens_are_encrypted_in_the_database():
    ingest_batch(batch=Batch(identities=[IdentityRecord(network="x", external_id="1")]))
    account = ConnectedAccount.objects.create(
        member=MemberFactory(),
        identity=Identity.objects.get(),
        network="x",
        access_token="access-abc",
        refresh_token="refresh-xyz",
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM connectors_connectedaccount")
        raw = cursor.fetchone()
    assert "access-abc" not in raw[0] and "refresh-xyz" not in raw[1]
    account.refresh_from_db()
    assert (account.access_token, account.refresh_token) == ("access-abc", "refresh-xyz")


def test_a_rotated_secret_key_kept_as_a_fallback_still_reads_tokens(settings):
    settings.TOKEN_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "the old signing key " * 3
    ciphertext = token_encrypt(plaintext="t")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = (
        "the new signing key " * 3,
        ["the old signing key " * 3],
    )
    assert token_decrypt(ciphertext=ciphertext) == "t"


def test_setting_a_token_key_on_a_deployment_that_had_none_loses_no_token(settings):
    settings.TOKEN_ENCRYPTION_KEY = ""
    ciphertext = token_encrypt(plaintext="t")
    settings.TOKEN_ENCRYPTION_KEY = "a token key set later"
    assert token_decrypt(ciphertext=ciphertext) == "t"


@pytest.fixture
def account_under_a_lost_key(settings):
    settings.TOKEN_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "the signing key before it leaked " * 2
    member = MemberFactory()
    ingest_batch(batch=Batch(identities=[IdentityRecord(network="x", external_id="1", handle="me")]))
    identity = Identity.objects.get()
    Identity.objects.filter(pk=identity.pk).update(member=member)
    account = ConnectedAccount.objects.create(
        member=member, identity=identity, network="x", access_token="access-abc", refresh_token="refresh-xyz"
    )
    # Rotated without keeping the old key: nothing can decrypt the stored tokens any more.
    settings.SECRET_KEY = "a brand new signing key, the old one dropped " * 2
    return account


@pytest.mark.django_db
def test_an_undecryptable_token_reads_as_empty_and_survives_a_save(account_under_a_lost_key):
    from connectors.crypto import token_undecryptable

    account = ConnectedAccount.objects.get(pk=account_under_a_lost_key.pk)
    assert account.access_token == "" and token_undecryptable(account.access_token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM connectors_connectedaccount")
        before = cursor.fetchone()[0]
    account.last_error = "x"
    account.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM connectors_connectedaccount")
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db
def test_an_undecryptable_token_blocks_no_page_and_no_privacy_action(client, account_under_a_lost_key):
    from django.urls import reverse

    from privacy.services import account_delete, member_opt_out

    member = account_under_a_lost_key.member
    client.force_login(member.user)
    for page in ("scoring:dashboard", "connect:index", "privacy:settings", "privacy:opt_out"):
        assert client.get(reverse(page)).status_code == 200, page
    member_opt_out(member=member)
    assert not ConnectedAccount.objects.exists()
    account_delete(user=member.user)


@pytest.mark.django_db
def test_a_sync_with_an_undecryptable_token_asks_the_member_to_reconnect(account_under_a_lost_key):
    from connectors.twitter.sync import x_account_sync

    def no_client(token):
        raise AssertionError("no request may be made with an unreadable token")

    outcome = x_account_sync(account_id=account_under_a_lost_key.pk, client_factory=no_client)

    account = ConnectedAccount.objects.get(pk=account_under_a_lost_key.pk)
    assert account.status == ConnectedAccount.Status.REVOKED
    assert "Reconnect X" in account.last_error
    assert outcome.run.status == "failed"


@pytest.mark.django_db
def test_tokens_can_be_moved_to_the_new_key_so_that_the_old_one_can_go(settings):
    from django.core.management import call_command

    settings.TOKEN_ENCRYPTION_KEY = "the old token key"
    ingest_batch(batch=Batch(identities=[IdentityRecord(network="x", external_id="1")]))
    account = ConnectedAccount.objects.create(
        member=MemberFactory(),
        identity=Identity.objects.get(),
        network="x",
        access_token="a",
        refresh_token="r",
    )
    settings.TOKEN_ENCRYPTION_KEY = "the new token key, the old token key"
    call_command("tokens_reencrypt")
    settings.TOKEN_ENCRYPTION_KEY = "the new token key"
    settings.SECRET_KEY_FALLBACKS = []
    account.refresh_from_db()
    assert (account.access_token, account.refresh_token) == ("a", "r")
