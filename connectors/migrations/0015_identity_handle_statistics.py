"""Statistics of UPPER(handle), so that the planner knows a handle names one identity.

PostgreSQL keeps no statistics of a partial index's expressions: without these it guessed that a
handle matched 0.5% of a network and walked the primary key past hundreds of thousands of rows
instead of reading ``identity_network_handle_ci`` (expression statistics: PostgreSQL 14 and later).
"""

from django.db import migrations


def statistics_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE STATISTICS IF NOT EXISTS identity_handle_upper ON (UPPER(handle::text)) FROM connectors_identity"
    )
    schema_editor.execute("ANALYZE connectors_identity")


def statistics_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS identity_handle_upper")


class Migration(migrations.Migration):
    dependencies = [("connectors", "0014_identity_handle_any_case")]

    operations = [migrations.RunPython(statistics_create, statistics_drop)]
