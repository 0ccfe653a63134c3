"""Encryption at rest for connector secrets (OAuth access and refresh tokens).

Tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) before they reach the
database, so a leaked backup or a read-only SQL injection does not hand out working
credentials. The key comes from ``TOKEN_ENCRYPTION_KEY``: one or more comma-separated
secrets, the first used to encrypt and all tried to decrypt, which lets an operator rotate
the key without losing stored tokens. Without it (allowed with DEBUG on only), a key is
derived from ``SECRET_KEY``; keys derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``
are always tried to decrypt too, so rotating ``SECRET_KEY`` (the old one kept as a fallback),
or setting ``TOKEN_ENCRYPTION_KEY`` on a deployment that had none, loses no token.
Each secret is stretched with HKDF rather than used as-is, so any string of enough
entropy works and a key is never shared verbatim between two purposes.

A token that no key opens any more does not stop the row from loading: it reads as an
``UndecryptableToken`` (empty, so it is never sent anywhere; saved back unchanged), the sync
asks the member to reconnect, and privacy actions (opt-out, deletion, disconnect) go on.
"""

from __future__ import annotations

import base64
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_HKDF_INFO = b"klout connector tokens v1"
logger = logging.getLogger(__name__)


class TokenDecryptionError(Exception):
    """A stored token cannot be decrypted with any configured key (key changed or data corrupted)."""


def _fernet_for(secret: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


@lru_cache(maxsize=4)
def _cipher(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_for(secret) for secret in secrets])


def _secrets() -> tuple[str, ...]:
    """Every key secret, the one that encrypts first."""
    configured = [part.strip() for part in (getattr(settings, "TOKEN_ENCRYPTION_KEY", "") or "").split(",")]
    signing_keys = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    # Prefixed so that the derived key differs from any other use of SECRET_KEY.
    derived = [f"secret-key:{key}" for key in signing_keys if key]
    return tuple(dict.fromkeys(part for part in (*configured, *derived) if part))


class UndecryptableToken(str):
    """A stored token that no configured key decrypts: an empty string to the code that reads it,
    its ciphertext kept, so that saving the row does not destroy it (the old key may come back)."""

    ciphertext: str

    def __new__(cls, ciphertext: str) -> UndecryptableToken:
        token = super().__new__(cls, "")
        token.ciphertext = ciphertext
        return token


def token_undecryptable(value: str) -> bool:
    return isinstance(value, UndecryptableToken)


def token_encrypt(*, plaintext: str) -> str:
    if plaintext == "":
        return ""
    return _cipher(_secrets()).encrypt(plaintext.encode()).decode("ascii")


def token_decrypt(*, ciphertext: str) -> str:
    if ciphertext == "":
        return ""
    try:
        return _cipher(_secrets()).decrypt(ciphertext.encode("ascii")).decode()
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
        try:
            return token_decrypt(ciphertext=value)
        except TokenDecryptionError:
            logger.warning("a stored connector token cannot be decrypted with the configured keys")
            return UndecryptableToken(value)

    def get_prep_value(self, value):
        if isinstance(value, UndecryptableToken):
            return value.ciphertext
        value = super().get_prep_value(value)
        if value is None:
            return value
        return token_encrypt(plaintext=value)
