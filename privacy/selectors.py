"""Reads about privacy: whether someone may be tracked, and what brands may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Member, User
from accounts.selectors import member_public_condition, members_public
from connectors.models import Identity
from privacy.models import DataExport

# What brand-facing pages may show about an identity. Deliberately no member, user,
# email or name of the member: contact details reach a brand only through a perk claim.
BRAND_VISIBLE_IDENTITY_FIELDS = (
    "id",
    "network",
    "handle",
    "name",
    "followers",
    "following",
    "posts_count",
    "listed",
    "verified",
    "location",
    "bio",
    "url",
    "member__slug",
)


def identities_visible_to_brands() -> QuerySet[Identity]:
    """Identities a brand may search and browse, as dicts of ``BRAND_VISIBLE_IDENTITY_FIELDS``.

    Only identities of members who made their profile public, have not opted out and
    whose account is active. People who never joined are not listed: they never agreed
    to being offered perks. Tombstoned identities have no rows left to list (the opt-out
    deletes them in the same transaction that writes the tombstone).
    """
    return (
        Identity.objects.filter(member_public_condition(path="member__"), member__isnull=False)
        .order_by("network", "handle", "id")
        .values(*BRAND_VISIBLE_IDENTITY_FIELDS)
    )


def members_visible_to_brands() -> QuerySet[Member]:
    """Members a brand may see (public, tracked, active), as dicts without contact details."""
    return members_public().order_by("slug").values("id", "slug", "created_at")


# Said of an export that is someone else's, expired or gone alike, so that ids cannot be probed.
EXPORT_NOT_FOUND = "This export does not exist or has expired."


def data_export_get_for_user(*, user: User, export_id: int) -> DataExport:
    """The user's own export; a 404 for anyone else's (or none)."""
    export = DataExport.objects.filter(pk=export_id, user=user).first()
    if export is None:
        raise Http404(EXPORT_NOT_FOUND)
    return export
