"""Claims: an account linked to a member by the member's own upload, which proves nothing.

A zip can be edited, so an uploaded archive naming an account is the member's word that it is
theirs (``Identity.member_claimed``). A claim lets the member score the account and upload
about it, counted as self-reported, and no more: it cannot take over an account that anyone
else speaks of, erase it, or hide it. Signing in with the network proves the account (and
takes it over from a claimer); the operator's own import vouches for it too.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from accounts.models import Member
from connectors.models import Identity, Interaction, Post, Tombstone
from connectors.records import Origin


def identity_claimable(*, identity: Identity, member: Member) -> bool:
    """Whether nothing is stored about the identity but what ``member`` uploaded: no profile, post
    or interaction from the network, the operator or another member's upload."""
    if identity.origin is not None and identity.origin < Origin.UPLOAD:
        return False
    theirs = ~Q(reported_by=member) | Q(reported_by__isnull=True)
    return not (
        Post.objects.filter(theirs, author=identity).exists()
        or Interaction.objects.filter(theirs, actor=identity).exists()
        or Interaction.objects.filter(theirs, target=identity).exists()
    )


def member_upload_keys(*, member: Member) -> set[tuple[str, str]]:
    """The (network, external id) of the identities the member's uploads may describe: those
    linked to them, except claims that someone else now speaks of too (the network fetched the
    account, another member reacted to it): about those, the member's word no longer goes."""
    keys = set()
    for identity in Identity.objects.filter(member=member):
        if not identity.member_claimed or identity_claimable(identity=identity, member=member):
            keys.add((identity.network, identity.external_id))
    return keys


def claim_release(*, member: Member, identity_ids: list[int]) -> dict[str, int]:
    """Take back what ``member`` uploaded about identities linked by their claim, and the link.

    Deleted: the posts and interactions the member uploaded about them, and a profile that came
    from their upload; then the link. Kept: what the networks, the operator and other members say.
    An identity left with nothing at all is deleted. Returns the numbers of rows deleted.

    Takes the tombstone table's lock, as a purge does, so that no ingest in flight stores rows
    about an identity deleted here.
    """
    counts = {"interactions": 0, "posts": 0, "identities": 0}
    ids = list(identity_ids)
    if not ids:
        return counts
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Tombstone._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    mine = Q(reported_by=member)
    counts["interactions"] = Interaction.objects.filter(
        mine & (Q(actor_id__in=ids) | Q(target_id__in=ids))
    ).delete()[0]
    deleted = Post.objects.filter(mine, author_id__in=ids).only("id").delete()[1]
    counts["posts"] = deleted.get(Post._meta.label, 0)
    blank = {"handle": "", "name": "", "location": "", "bio": "", "url": ""}
    blank.update(followers=None, following=None, posts_count=None, listed=None, verified=None, origin=None)
    Identity.objects.filter(id__in=ids, member=member, origin=Origin.UPLOAD).update(**blank)
    Identity.objects.filter(id__in=ids, member=member).update(member=None, member_claimed=False)
    empty = (
        Identity.objects.filter(id__in=ids, origin__isnull=True, member__isnull=True)
        .exclude(posts__isnull=False)
        .exclude(id__in=Interaction.objects.filter(actor_id__in=ids).values("actor_id"))
        .exclude(id__in=Interaction.objects.filter(target_id__in=ids).values("target_id"))
    )
    # Through the ORM, so that the identities' score snapshots go with them.
    deleted = empty.delete()[1]
    counts["identities"] = deleted.get(Identity._meta.label, 0)
    return counts
