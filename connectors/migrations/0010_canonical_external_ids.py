"""Rewrite stored account ids in their one canonical form (connectors.records.external_id_canonical).

Ingest canonicalizes every id it stores since migration 0008's release; ids stored before may be in
another form (a Mastodon actor URI, "@User@server", an X id with leading zeros), which an opt-out's
tombstone would not meet. Each is rewritten; where its canonical form is stored already, the two
identities are merged into that one, the more trusted of two copies of a row kept. An identity
whose canonical id is tombstoned (its owner opted out under that form) is then purged. Ids of no
usable form (a bare Mastodon number, a Bluesky handle) cannot be told apart from someone else's
and are left as they are.
"""

import hashlib

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery

# The ids that may not be canonical, per network: the rest are not read.
SUSPECT = {
    "mastodon": Q(external_id__contains="@") | Q(external_id__contains=":") | Q(external_id__contains="/"),
    "bluesky": Q(external_id__istartswith="did:") & ~Q(external_id__startswith="did:")
    | Q(external_id__startswith="at://")
    | Q(external_id__contains="/"),
    "x": Q(external_id__startswith="0") | Q(external_id__startswith=" ") | Q(external_id__endswith=" "),
}
PROFILE = ("handle", "name", "location", "bio", "url", "followers", "following", "posts_count", "verified")


def _digest(network: str, external_id: str) -> str:
    # connectors.models.tombstone_digest, as it was when this migration was written.
    return hashlib.sha256(f"{network}\x00{external_id}".encode()).hexdigest()


def _merge(apps, duplicate, keep) -> None:
    """Move everything of ``duplicate`` onto ``keep``, then delete it. Set-based: a few
    statements per identity, whatever its number of interactions."""
    Interaction = apps.get_model("connectors", "Interaction")
    Post = apps.get_model("connectors", "Post")
    ConnectedAccount = apps.get_model("connectors", "ConnectedAccount")
    IdentityScore = apps.get_model("scoring", "IdentityScore")
    for end, other in (("actor_id", "target_id"), ("target_id", "actor_id")):
        twin = Interaction.objects.filter(
            **{end: keep.pk, other: OuterRef(other)},
            kind=OuterRef("kind"),
            post_external_id=OuterRef("post_external_id"),
        )
        rows = Interaction.objects.filter(**{end: duplicate.pk}).annotate(
            twin_id=Subquery(twin.values("pk")[:1]), twin_origin=Subquery(twin.values("origin")[:1])
        )
        # Of two copies of one interaction, the more trusted stays (the lower origin). Only the
        # rows that have a twin are read, one query for all of them.
        less_trusted: list[int] = []
        for pk, origin, twin_id, twin_origin in rows.filter(twin_id__isnull=False).values_list(
            "pk", "origin", "twin_id", "twin_origin"
        ):
            less_trusted.append(twin_id if origin < twin_origin else pk)
        Interaction.objects.filter(pk__in=less_trusted).delete()
        Interaction.objects.filter(**{end: duplicate.pk}).update(**{end: keep.pk})
    Post.objects.filter(author_id=duplicate.pk).update(author_id=keep.pk)
    changes = {}
    if keep.origin is None and duplicate.origin is not None or (
        duplicate.origin is not None and keep.origin is not None and duplicate.origin < keep.origin
    ):
        changes.update({field: getattr(duplicate, field) for field in PROFILE}, origin=duplicate.origin)
    proven = ConnectedAccount.objects.filter(identity_id=duplicate.pk, member_id=duplicate.member_id).exists()
    if duplicate.member_id is not None and (keep.member_id is None or (proven and keep.member_claimed)):
        changes.update(member_id=duplicate.member_id, member_claimed=duplicate.member_claimed)
    if changes:
        type(keep).objects.filter(pk=keep.pk).update(**changes)
    member_id = changes.get("member_id", keep.member_id)
    for account in ConnectedAccount.objects.filter(identity_id=duplicate.pk):
        if account.member_id != member_id or ConnectedAccount.objects.filter(
            member_id=account.member_id, identity_id=keep.pk
        ).exists():
            account.delete()
        else:
            ConnectedAccount.objects.filter(pk=account.pk).update(identity_id=keep.pk)
    IdentityScore.objects.filter(identity_id=duplicate.pk).delete()
    duplicate.delete()


def _purge(apps, identity) -> None:
    """Delete an identity that opted out and every row about it (as the privacy purge does)."""
    Interaction = apps.get_model("connectors", "Interaction")
    Post = apps.get_model("connectors", "Post")
    ConnectedAccount = apps.get_model("connectors", "ConnectedAccount")
    IdentityScore = apps.get_model("scoring", "IdentityScore")
    Interaction.objects.filter(
        Q(actor_id=identity.pk) | Q(target_id=identity.pk) | Q(post__author_id=identity.pk)
    ).delete()
    IdentityScore.objects.filter(identity_id=identity.pk).delete()
    ConnectedAccount.objects.filter(identity_id=identity.pk).delete()
    Post.objects.filter(author_id=identity.pk).delete()
    identity.delete()


def canonicalize(apps, schema_editor):
    from connectors.records import ExternalIdError, external_id_canonical

    Identity = apps.get_model("connectors", "Identity")
    Tombstone = apps.get_model("connectors", "Tombstone")
    for network, suspect in SUSPECT.items():
        for identity in Identity.objects.filter(suspect, network=network).iterator():
            try:
                canonical = external_id_canonical(network=network, external_id=identity.external_id)
            except ExternalIdError:
                continue
            if canonical == identity.external_id:
                continue
            keep = Identity.objects.filter(network=network, external_id=canonical).first()
            if keep is None:
                Identity.objects.filter(pk=identity.pk).update(external_id=canonical)
                keep = Identity.objects.get(pk=identity.pk)
            else:
                _merge(apps, identity, keep)
                keep.refresh_from_db()
            if Tombstone.objects.filter(digest=_digest(network, canonical)).exists():
                _purge(apps, keep)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0009_identity_member_claimed"),
        ("scoring", "0006_self_reported_points"),
    ]

    operations = [migrations.RunPython(canonicalize, migrations.RunPython.noop)]
