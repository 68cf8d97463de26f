"""On PostgreSQL, the inbox's search in case titles (`title__icontains`)
compiles to UPPER(title::text) LIKE UPPER(%s): the trigram index of 0002,
on the bare column, could never serve it, and each search read every case
of the department. This indexes the expression the query uses, and drops
the unused index. Built CONCURRENTLY: on a large cases table it takes
minutes, during which cases can still be filed.

A trigram index needs three characters: a two-character query (噪音) still
reads the department's cases, newest first, until a page is filled."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_title_upper_trgm_idx ON petitions_case "
    "USING gin (upper(title::text) gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS case_title_trgm_idx",
]
DROP = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_title_trgm_idx ON petitions_case USING gin (title gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS case_title_upper_trgm_idx",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("petitions", "0003_case_closed_and_reopened")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
