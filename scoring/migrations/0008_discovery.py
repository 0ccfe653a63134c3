"""Discovery: a card per scored identity, and the text it is searched by.

On PostgreSQL the words and the location are searched through pg_trgm's GIN indexes, so a
search for a word reads the index instead of every row; SQLite has no such index and scans.
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "identity_text_words_trgm": "words",
    "identity_text_location_trgm": "location",
}


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON scoring_identitytext USING gin ({column} gin_trgm_ops)"
        )


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_member_country'),
        ('connectors', '0013_sync_run_sources_from_the_registry'),
        ('scoring', '0007_topics'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdentityText',
            fields=[
                ('identity', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='discovery_text', serialize=False, to='connectors.identity')),
                ('words', models.TextField(blank=True)),
                ('location', models.CharField(blank=True, max_length=255)),
                ('language', models.CharField(blank=True, max_length=16)),
            ],
        ),
        migrations.CreateModel(
            name='DiscoveryCard',
            fields=[
                ('identity', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='discovery_card', serialize=False, to='connectors.identity')),
                ('day', models.DateField(help_text='The day of the score the card shows.')),
                ('network', models.CharField(max_length=16)),
                ('handle', models.CharField(max_length=255)),
                ('name', models.CharField(blank=True, max_length=255)),
                ('score', models.FloatField()),
                ('change', models.FloatField(default=0.0, help_text='Score change over the last 30 days.')),
                ('audience', models.BigIntegerField(default=0, help_text='Followers (0 when the network says none).')),
                ('engagement', models.FloatField(default=0.0, help_text='Reactions received per post in the window.')),
                ('posts', models.PositiveIntegerField(default=0, help_text='Posts in the window.')),
                ('location', models.CharField(blank=True, max_length=255)),
                ('language', models.CharField(blank=True, max_length=16)),
                ('verified', models.BooleanField(default=False)),
                ('topics', models.CharField(blank=True, max_length=400)),
                ('member', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.member')),
            ],
            options={
                'indexes': [models.Index(fields=['score', 'identity'], name='card_score'), models.Index(fields=['network', 'score', 'identity'], name='card_network_score'), models.Index(fields=['change', 'identity'], name='card_change'), models.Index(fields=['network', 'change', 'identity'], name='card_network_change'), models.Index(fields=['audience', 'identity'], name='card_audience'), models.Index(fields=['network', 'audience', 'identity'], name='card_network_audience'), models.Index(fields=['engagement', 'identity'], name='card_engagement'), models.Index(fields=['network', 'engagement', 'identity'], name='card_network_engagement'), models.Index(condition=models.Q(('language', ''), _negated=True), fields=['language'], name='card_language'), models.Index(condition=models.Q(('member__isnull', False)), fields=['member'], name='card_member')],
            },
        ),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop),
    ]
