"""Rewrite stored account ids in their one canonical form (connectors.records.external_id_canonical).

Ingest canonicalizes every id it stores since migration 0008's release; ids stored before may be in
another form (a Mastodon actor URI, "@User@server", an X id with leading zeros), which an opt-out's
tombstone would not meet. Each is rewritten; where its canonical form is stored already, the two
identities are merged into that one. Ids of no usable form (a bare Mastodon number, a Bluesky
handle) cannot be told apart from someone else's and are left as they are.
"""

from django.db import migrations
from django.db.models import Q

# The ids that may not be canonical, per network: the rest are read only to be skipped.
SUSPECT = {
    "mastodon": Q(external_id__contains="@") | Q(external_id__contains=":") | Q(external_id__contains="/"),
    "bluesky": Q(external_id__istartswith="did:") & ~Q(external_id__startswith="did:"),
    "x": Q(external_id__startswith="0") | Q(external_id__startswith=" ") | Q(external_id__endswith=" "),
}


def _merge(apps, duplicate, keep) -> None:
    """Move everything of ``duplicate`` onto ``keep``, then delete it."""
    Interaction = apps.get_model("connectors", "Interaction")
    Post = apps.get_model("connectors", "Post")
    ConnectedAccount = apps.get_model("connectors", "ConnectedAccount")
    IdentityScore = apps.get_model("scoring", "IdentityScore")
    for end in ("actor_id", "target_id"):
        for row in Interaction.objects.filter(**{end: duplicate.pk}).iterator():
            key = {
                "actor_id": keep.pk if end == "actor_id" else row.actor_id,
                "target_id": keep.pk if end == "target_id" else row.target_id,
                "kind": row.kind,
                "post_external_id": row.post_external_id,
            }
            if Interaction.objects.filter(**key).exists():
                row.delete()
            else:
                Interaction.objects.filter(pk=row.pk).update(**{end: keep.pk})
    Post.objects.filter(author_id=duplicate.pk).update(author_id=keep.pk)
    for account in ConnectedAccount.objects.filter(identity_id=duplicate.pk):
        if ConnectedAccount.objects.filter(member_id=account.member_id, identity_id=keep.pk).exists():
            account.delete()
        else:
            ConnectedAccount.objects.filter(pk=account.pk).update(identity_id=keep.pk)
    IdentityScore.objects.filter(identity_id=duplicate.pk).delete()
    if keep.member_id is None and duplicate.member_id is not None:
        type(keep).objects.filter(pk=keep.pk).update(member_id=duplicate.member_id)
    duplicate.delete()


def canonicalize(apps, schema_editor):
    from connectors.records import ExternalIdError, external_id_canonical

    Identity = apps.get_model("connectors", "Identity")
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
            else:
                _merge(apps, identity, keep)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0009_identity_member_claimed"),
        ("scoring", "0006_self_reported_points"),
    ]

    operations = [migrations.RunPython(canonicalize, migrations.RunPython.noop)]
