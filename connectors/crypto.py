"""Encryption at rest for connector secrets (OAuth access and refresh tokens).

Tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) before they reach the
database, so a leaked backup or a read-only SQL injection does not hand out working
credentials. The key comes from ``TOKEN_ENCRYPTION_KEY``: one or more comma-separated
secrets, the first used to encrypt and all tried to decrypt, which lets an operator rotate
the key without losing stored tokens. Without it, a key is derived from ``SECRET_KEY``.
Each secret is stretched with HKDF rather than used as-is, so any string of enough
entropy works and a key is never shared verbatim between two purposes.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_HKDF_INFO = b"klout connector tokens v1"


class TokenDecryptionError(Exception):
    """A stored token cannot be decrypted with any configured key (key changed or data corrupted)."""


def _fernet_for(secret: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


@lru_cache(maxsize=4)
def _cipher(key_setting: str) -> MultiFernet:
    secrets = [part.strip() for part in key_setting.split(",") if part.strip()]
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def _key_setting() -> str:
    configured = getattr(settings, "TOKEN_ENCRYPTION_KEY", "") or ""
    # Prefixed so that the derived key differs from any other use of SECRET_KEY.
    return configured or f"secret-key:{settings.SECRET_KEY}"


def token_encrypt(*, plaintext: str) -> str:
    if plaintext == "":
        return ""
    return _cipher(_key_setting()).encrypt(plaintext.encode()).decode("ascii")


def token_decrypt(*, ciphertext: str) -> str:
    if ciphertext == "":
        return ""
    try:
        return _cipher(_key_setting()).decrypt(ciphertext.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise TokenDecryptionError(
            "A stored token cannot be decrypted: TOKEN_ENCRYPTION_KEY (or SECRET_KEY) changed "
            "without keeping the old key in the list. The account must be reconnected."
        ) from None


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code only ever sees the plaintext.

    Encryption is not deterministic, so the column cannot be filtered on: nobody needs to
    look an account up by its token.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return token_decrypt(ciphertext=value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return token_encrypt(plaintext=value)
