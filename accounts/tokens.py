"""Personal API tokens: made, listed, revoked, and checked on every API request.

A key is ``klt_<prefix>_<secret>``, random from ``secrets``; the prefix (not secret) finds the
row, and the SHA-256 of the whole key, compared in constant time, proves it. The key itself is
never stored: it is shown once, when the token is made. A key of that much entropy needs no slow
hash (there is no dictionary to try it against), and a fast one keeps an API call fast.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, Brand, BrandMembership, Member, User
from klout.db.prepared import PreparedQuery

KEY_PREFIX = "klt"
SCOPES = [scope.value for scope in ApiToken.Scope]
# A token's last use is written at most this often: not a write per request.
LAST_USED_PRECISION = timedelta(minutes=5)
MAX_TOKENS = 50


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def scopes_parse(value: str | list[str]) -> list[str]:
    """Scopes from a list or a comma-separated string; a clear error naming any unknown one."""
    wanted = value.split(",") if isinstance(value, str) else list(value)
    wanted = [scope.strip() for scope in wanted if scope.strip()]
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise ValidationError(f"Unknown scope {', '.join(unknown)}: choose from {', '.join(SCOPES)}.")
    if not wanted:
        raise ValidationError("Choose at least one scope.")
    return sorted(set(wanted), key=SCOPES.index)


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: str | list[str],
    member: Member | None = None,
    brand: Brand | None = None,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """A token for ``member`` (the user's own) or ``brand`` (one the user is on the team of)."""
    if (member is None) == (brand is None):
        raise ValidationError("A token acts for one member or one brand.")
    if member is not None and member.user_id != user.pk:
        raise ValidationError("A member's token can only be made by that member.")
    if brand is not None and not BrandMembership.objects.filter(brand=brand, user=user).exists():
        raise ValidationError("Only the brand's team can make its tokens.")
    if member is not None and member.opted_out_at is not None:
        raise ValidationError("An opted-out account has no API access.")
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError("Give the token a name, such as the app that will use it.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The expiry date must be in the future.")
    owned = api_tokens_active(member=member, brand=brand).count()
    if owned >= MAX_TOKENS:
        raise ValidationError(f"At most {MAX_TOKENS} tokens at once: revoke one you no longer use.")
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        scopes=scopes_parse(scopes),
        created_by=user,
        member=member,
        brand=brand,
        expires_at=expires_at,
    )
    return IssuedToken(token=token, key=key)


def api_tokens_active(*, member: Member | None = None, brand: Brand | None = None) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.filter(revoked_at__isnull=True)
    return tokens.filter(member=member) if member is not None else tokens.filter(brand=brand)


def api_token_get_for_owner(
    *, token_id: int, member: Member | None = None, brand: Brand | None = None
) -> ApiToken:
    """One token of this member or brand; ``ApiToken.DoesNotExist`` for anyone else's."""
    return api_tokens_active(member=member, brand=brand).get(pk=token_id)


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# Run for every API call: compiled once (``klout.db.prepared``).
_ACTIVE_BY_PREFIX = PreparedQuery(
    lambda prefix: (
        ApiToken.objects.select_related("member", "brand", "created_by")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .order_by("-created_at")[:1]
    ),
    prefix=str,
)


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token this key belongs to, or None (unknown, forged, revoked, expired, or
    acting for a brand its maker has left)."""
    parts = key.split("_", 2)  # the secret may hold "_" itself
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    token = _ACTIVE_BY_PREFIX.first(prefix=parts[1])
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.created_by.is_active:
        return None
    if token.member_id is not None and token.member.opted_out_at is not None:
        return None
    if (
        token.brand_id is not None
        and not BrandMembership.objects.filter(brand_id=token.brand_id, user_id=token.created_by_id).exists()
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
