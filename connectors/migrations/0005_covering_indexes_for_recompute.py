"""Covering indexes for an incremental recompute's reads (see Interaction.Meta and Post.Meta).

On a large database this rebuilds three indexes, which takes minutes; the tables stay
readable meanwhile, and ingest waits.
"""

from django.db import migrations, models

NATURAL_KEY = "interaction_natural_key"
KEY_COLUMNS = "actor_id, target_id, kind, post_external_id"


def natural_key_include_time(apps, schema_editor):
    # PostgreSQL only: Django would leave the whole constraint out on SQLite (no INCLUDE there).
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE connectors_interaction DROP CONSTRAINT {NATURAL_KEY}")
    schema_editor.execute(
        f"ALTER TABLE connectors_interaction ADD CONSTRAINT {NATURAL_KEY} "
        f"UNIQUE ({KEY_COLUMNS}) INCLUDE (occurred_at)"
    )


def natural_key_without_time(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE connectors_interaction DROP CONSTRAINT {NATURAL_KEY}")
    schema_editor.execute(f"ALTER TABLE connectors_interaction ADD CONSTRAINT {NATURAL_KEY} UNIQUE ({KEY_COLUMNS})")


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0004_partial_identity_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="interaction", name="interaction_target_time"),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=["target", "occurred_at"], include=("actor", "kind"), name="interaction_target_time"
            ),
        ),
        migrations.RemoveIndex(model_name="post", name="post_author_created"),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["author", "created_at"], include=("kind",), name="post_author_created"),
        ),
        migrations.RunPython(natural_key_include_time, natural_key_without_time),
    ]
