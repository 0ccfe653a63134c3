from __future__ import annotations

import pytest
from django.db import connection

from connectors.crypto import TokenDecryptionError, token_decrypt, token_encrypt
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity
from connectors.records import Batch, IdentityRecord
from tests.connectors.factories import MemberFactory


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
