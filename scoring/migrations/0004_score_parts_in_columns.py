"""Identity snapshots keep their parts in columns instead of two JSON objects.

The daily run writes a snapshot per identity; the JSON objects cost the database a parse per
row and their foreign-key check and two indexes no reader needs doubled the write. Existing
snapshots are copied over before the JSON columns go.
"""

import django.db.models.deletion
from django.db import migrations, models

SIGNALS = ("reposts", "replies", "quotes", "likes", "mentions", "authority", "efficiency", "audience")
KINDS = ("repost", "reply", "quote", "like", "mention", "follow")
# Not in the model's Meta: Django has no portable BRIN index (see day_index_create).
DAY_INDEX = "identity_score_by_day"


def json_to_columns(apps, schema_editor):
    IdentityScore = apps.get_model("scoring", "IdentityScore")
    columns = [f"points_{s}" for s in SIGNALS] + [f"received_{k}" for k in KINDS]
    batch = []
    for row in IdentityScore.objects.only("id", "signals", "received").iterator(chunk_size=2000):
        signals, received = row.signals or {}, row.received or {}
        for name in SIGNALS:
            setattr(row, f"points_{name}", float(signals.get(name) or 0.0))
        for kind in KINDS:
            setattr(row, f"received_{kind}", int(received.get(kind) or 0))
        batch.append(row)
        if len(batch) == 2000:
            IdentityScore.objects.bulk_update(batch, columns)
            batch = []
    if batch:
        IdentityScore.objects.bulk_update(batch, columns)


def day_index_create(apps, schema_editor):
    # Each day's snapshots are appended together, so on PostgreSQL a BRIN index finds a day's
    # rows for the cost of a few pages per million; a B-tree on (day, score) cost seconds a run.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {DAY_INDEX} ON scoring_identityscore USING brin (day)")
    else:
        schema_editor.execute(f"CREATE INDEX {DAY_INDEX} ON scoring_identityscore (day)")


def day_index_drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {DAY_INDEX}")


def _points(name):
    return migrations.AddField(
        model_name="identityscore", name=f"points_{name}", field=models.FloatField(default=0.0)
    )


def _received(kind):
    return migrations.AddField(
        model_name="identityscore", name=f"received_{kind}", field=models.PositiveIntegerField(default=0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0004_partial_identity_indexes"),
        ("scoring", "0003_backfill_runs"),
    ]

    operations = [
        *(_points(name) for name in SIGNALS),
        *(_received(kind) for kind in KINDS),
        migrations.RunPython(json_to_columns, migrations.RunPython.noop),
        migrations.RemoveField(model_name="identityscore", name="received"),
        migrations.RemoveField(model_name="identityscore", name="signals"),
        migrations.RemoveIndex(model_name="identityscore", name="identity_score_day_score"),
        migrations.RunPython(day_index_create, day_index_drop),
        migrations.AlterField(
            model_name="identityscore",
            name="identity",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="connectors.identity",
            ),
        ),
    ]
