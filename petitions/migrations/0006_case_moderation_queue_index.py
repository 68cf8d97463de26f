"""The moderation queue's partial index: the cases asking for publication,
still publishable, with no decision yet. Built after the flag is filled in
(publication migration 0005), CONCURRENTLY on PostgreSQL: cases go on being
filed meanwhile. Every step can be run again."""

from django.db import migrations, models

from portal.concurrent_index import concurrent_index

INDEX = models.Index(
    fields=["submitted_at", "id"], name="case_moderation_queue_idx",
    condition=models.Q(wants_public=True, publication_decided=False)
    & ~models.Q(status__in=["rejected", "merged", "withdrawn"]),
)


def analyze(apps, schema_editor):
    """Statistics for the new flags, so the planner reads the queues by
    their indexes at once rather than after autovacuum's next pass."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) petitions_case")
        schema_editor.execute("VACUUM (ANALYZE) publication_publication")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY and VACUUM cannot run inside a transaction
    dependencies = [
        ("petitions", "0005_case_publication_decided"),
        ("publication", "0005_moderation_flags_filled"),
    ]

    operations = [
        concurrent_index("petitions", "case", INDEX),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
