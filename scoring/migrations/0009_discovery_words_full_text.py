"""Words in bio and recent posts searched by PostgreSQL's full-text index instead of trigrams.

A trigram index cannot tell the planner how many rows a word matches (it guesses 100 whether the
word is in ten bios or in forty thousand), so a common word was joined row by row; the lexemes
of a ``tsvector`` have statistics, and a prefix query ("roast:*") keeps "roast" finding
"roasting". The vector is a generated column, computed once when a text is written, not for each
row a search reads. SQLite has neither and searches the words as text.
"""

from django.db import migrations


def full_text_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS identity_text_words_trgm")
    schema_editor.execute(
        "ALTER TABLE scoring_identitytext ADD COLUMN search tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED"
    )
    schema_editor.execute("CREATE INDEX identity_text_search ON scoring_identitytext USING gin (search)")


def full_text_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS identity_text_search")
    schema_editor.execute("ALTER TABLE scoring_identitytext DROP COLUMN IF EXISTS search")
    schema_editor.execute(
        "CREATE INDEX identity_text_words_trgm ON scoring_identitytext USING gin (words gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0008_discovery")]

    operations = [migrations.RunPython(full_text_create, full_text_drop)]
