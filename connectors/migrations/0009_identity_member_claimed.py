"""Record which member links are the member's own claim (Identity.member_claimed).

Before this, an uploaded archive linked any account nobody had linked. Such links cannot be told
from the operator's afterwards, so every link not proven by a connected account of the same
member is taken for a claim: a claim cannot erase or vouch for an account, and signing in with
the network (or the operator's import) proves it again.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def links_without_proof_are_claims(apps, schema_editor):
    Identity = apps.get_model("connectors", "Identity")
    ConnectedAccount = apps.get_model("connectors", "ConnectedAccount")
    proof = ConnectedAccount.objects.filter(identity_id=OuterRef("pk"), member_id=OuterRef("member_id"))
    Identity.objects.filter(member__isnull=False).exclude(Exists(proof)).update(member_claimed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0008_provenance"),
    ]

    operations = [
        migrations.AddField(
            model_name="identity",
            name="member_claimed",
            field=models.BooleanField(db_default=False),
        ),
        migrations.RunPython(links_without_proof_are_claims, migrations.RunPython.noop),
    ]
