"""Instagram's business discovery for brands: another professional account's public figures and
recent media, looked up by username through the brand's own connected professional account
(``DiscoveryAccount``), stored as fetched so that the account is scored like any other.

The username is checked before it goes into the Graph API's field expression (letters, digits,
dots and underscores only: nothing else could change the expression). Opted-out accounts are
dropped by ingest, as always, and a lookup of one says it found nothing to show.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Brand
from connectors import meta_graph
from connectors.changes import changes_nudge
from connectors.errors import ConnectorError
from connectors.ingest import ingest_batch
from connectors.instagram.client import InstagramClient
from connectors.instagram.parser import parse_media, parse_user, username_of
from connectors.models import DiscoveryAccount, Identity
from connectors.oauth2 import Tokens
from connectors.records import FETCHED, Batch


class DiscoveryRefused(Exception):
    """A lookup that cannot be answered; the message is for the brand's team."""


def discovery_account_connect(
    *, brand: Brand, user, tokens: Tokens, accounts: dict[str, Any]
) -> DiscoveryAccount:
    """Keep the brand's professional account that its Pages (``me/accounts``) name."""
    from connectors.instagram.services import instagram_accounts_found

    found = instagram_accounts_found(accounts)
    if not found:
        raise ValidationError(
            "No Instagram professional account is linked to the Facebook Pages you allowed; link your "
            "brand's business account to its Page, then connect again."
        )
    account = found[0]
    with transaction.atomic():
        DiscoveryAccount.objects.filter(brand=brand).delete()
        return DiscoveryAccount.objects.create(
            brand=brand,
            ig_user_id=account["id"],
            username=account["username"],
            access_token=tokens.access_token,
            token_expires_at=tokens.expires_at,
            connected_by=user,
        )


def parse_discovery(page: dict[str, Any]) -> Batch:
    found = page.get("business_discovery") if isinstance(page.get("business_discovery"), dict) else {}
    batch = parse_user(found)
    if batch.identities:
        batch.extend(parse_media(found.get("media") or {}, member_id=batch.identities[0].external_id))
    return batch


def business_discovery_lookup(
    *, brand: Brand, username: str, client: InstagramClient | None = None
) -> Identity:
    """Look ``username`` up through the brand's account, store what Instagram says, return it."""
    name = username_of(username.strip().removeprefix("@"))
    if name is None:
        raise DiscoveryRefused("An Instagram username has letters, digits, dots and underscores only.")
    access = DiscoveryAccount.objects.filter(brand=brand).first()
    if access is None:
        raise DiscoveryRefused("Connect your brand's Instagram professional account first.")
    if meta_graph.token_due(expires_at=access.token_expires_at):
        try:
            tokens = meta_graph.token_extend(access_token=access.access_token)
        except ConnectorError as error:
            raise DiscoveryRefused(
                f"Instagram no longer accepts your brand's connection ({error.message}); connect it again."
            ) from None
        DiscoveryAccount.objects.filter(pk=access.pk).update(
            access_token=tokens.access_token, token_expires_at=tokens.expires_at
        )
        access.access_token = tokens.access_token
    client = client or InstagramClient(access_token=access.access_token)
    try:
        page = client.business_discovery(ig_user_id=access.ig_user_id, username=name)
    except ConnectorError as error:
        if error.auth:
            raise DiscoveryRefused(
                "Instagram no longer accepts your brand's connection; connect it again."
            ) from None
        if error.permanent:
            raise DiscoveryRefused(
                f"Instagram has no professional account @{name} (personal accounts cannot be looked up)."
            ) from None
        raise DiscoveryRefused(
            f"Instagram is having trouble ({error.message}); try again in a few minutes."
        ) from None
    batch = parse_discovery(page)
    if not batch.identities or batch.identities[0].handle.lower() != name:
        raise DiscoveryRefused(f"Instagram answered for another account than @{name}; nothing was stored.")
    ingest_batch(batch=batch, provenance=FETCHED)
    changes_nudge()
    identity = Identity.objects.filter(
        network="instagram", external_id=batch.identities[0].external_id
    ).first()
    if identity is None:
        raise DiscoveryRefused(f"@{name} has opted out of Klout: nothing about them is kept.")
    return identity
