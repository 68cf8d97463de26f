"""The moderation queue read every case that ever asked for publication
(441,496 at 10,000,000 cases: 0.8 s for an empty queue, bench/RESULTS.md).
A flag set by the moderator's decision and a partial index of the cases
still waiting let it read only those. The flag is filled in for decisions
already made by publication migration 0004. The index is built
CONCURRENTLY on PostgreSQL: cases go on being filed meanwhile."""

from django.db import migrations, models

from portal.concurrent_index import concurrent_index

INDEX = models.Index(
    fields=["submitted_at", "id"], name="case_moderation_queue_idx",
    condition=models.Q(wants_public=True, publication_decided=False)
    & ~models.Q(status__in=["rejected", "merged", "withdrawn"]),
)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("petitions", "0004_case_title_trigram_for_icontains")]

    operations = [
        migrations.AddField(model_name="case", name="publication_decided",
                            field=models.BooleanField(default=False, db_default=False, editable=False)),
        concurrent_index("petitions", "case", INDEX),
    ]
