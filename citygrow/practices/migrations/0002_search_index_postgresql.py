"""On PostgreSQL: a GIN index on the practices' search vectors. Nothing on other databases."""

from django.db import migrations

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS practices_practice_search_gin "
    "ON practices_practice USING gin (search_vector)"
)
DROP_INDEX = "DROP INDEX IF EXISTS practices_practice_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
