"""Member snapshots keep their parts in columns too, like identity snapshots (0004).

A full run now replaces a day's member snapshots wholesale as it does the identities', so
they get the same layout: points per signal and per network in columns, no database
constraint on the member (the scores lock and the write's orphan check stand in for it), and
an index to find a day's rows.
"""

import django.db.models.deletion
from django.db import migrations, models

SIGNALS = ("reposts", "replies", "quotes", "likes", "mentions", "authority", "efficiency", "audience")
NETWORKS = ("x", "mastodon", "bluesky", "youtube")
DAY_INDEX = "member_score_by_day"


def json_to_columns(apps, schema_editor):
    MemberScore = apps.get_model("scoring", "MemberScore")
    columns = [f"points_{s}" for s in SIGNALS] + [f"network_{n}" for n in NETWORKS]
    batch = []
    for row in MemberScore.objects.only("id", "signals", "networks").iterator(chunk_size=2000):
        signals, networks = row.signals or {}, row.networks or {}
        for name in SIGNALS:
            setattr(row, f"points_{name}", float(signals.get(name) or 0.0))
        for network in NETWORKS:
            setattr(row, f"network_{network}", float(networks.get(network) or 0.0))
        batch.append(row)
        if len(batch) == 2000:
            MemberScore.objects.bulk_update(batch, columns)
            batch = []
    if batch:
        MemberScore.objects.bulk_update(batch, columns)


def day_index_create(apps, schema_editor):
    # As for identity snapshots (0004): BRIN on PostgreSQL, where a day's rows lie together.
    using = "USING brin " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {DAY_INDEX} ON scoring_memberscore {using}(day)")


def day_index_drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {DAY_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("scoring", "0004_score_parts_in_columns"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="memberscore", name=f"points_{name}", field=models.FloatField(default=0.0)
            )
            for name in SIGNALS
        ),
        *(
            migrations.AddField(
                model_name="memberscore", name=f"network_{network}", field=models.FloatField(default=0.0)
            )
            for network in NETWORKS
        ),
        migrations.RunPython(json_to_columns, migrations.RunPython.noop),
        migrations.RemoveField(model_name="memberscore", name="networks"),
        migrations.RemoveField(model_name="memberscore", name="signals"),
        migrations.RunPython(day_index_create, day_index_drop),
        migrations.AlterField(
            model_name="memberscore",
            name="member",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="accounts.member",
            ),
        ),
    ]
