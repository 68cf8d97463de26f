"""On PostgreSQL, the inbox's search for words in case titles: a function
giving the title as the search reads it (NFKC, lower case, each CJK
character three times) and a trigram index on it, so that one and two
character Chinese words are served by the index too (a trigram needs three
characters). It replaces the index of 0004. Built CONCURRENTLY: on a large
cases table it takes minutes, during which cases can still be filed."""

from django.db import migrations

# The CJK ranges of publication.search.CJK, as this migration wrote them.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

FUNCTION = (
    "CREATE OR REPLACE FUNCTION petitions_case_title_search(title text) RETURNS text "
    f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT regexp_replace(lower(normalize(title, NFKC)), "
    f"'([{CJK}])', '\\1\\1\\1', 'g') $$"
)
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    FUNCTION,
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_title_search_trgm_idx ON petitions_case "
    "USING gin (petitions_case_title_search(title) gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS case_title_upper_trgm_idx",
]
DROP = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_title_upper_trgm_idx ON petitions_case "
    "USING gin (upper(title::text) gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS case_title_search_trgm_idx",
    "DROP FUNCTION IF EXISTS petitions_case_title_search(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("petitions", "0009_case_unlinked_email_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
