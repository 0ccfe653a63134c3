"""The privacy models moved to the privacy app; their tables stay as they are (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_recover_stuck_work"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DataExport"),
                migrations.DeleteModel(name="OptOutChallenge"),
                migrations.DeleteModel(name="PrivacyEvent"),
            ],
            database_operations=[],
        )
    ]
