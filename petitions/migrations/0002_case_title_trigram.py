"""On PostgreSQL, a trigram index so the inbox's search in case titles (a
substring match, Chinese or English) does not scan the cases table. Other
databases search without it."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_title_trgm_idx ON petitions_case USING gin (title gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS case_title_trgm_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
