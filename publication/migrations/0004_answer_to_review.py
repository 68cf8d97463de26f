"""The moderators' list of answers to review read every published case
(2.3 s at 441,496 publications, bench/RESULTS.md). A flag set when a case's
answer is published after the last decision, and a partial index of the
flagged publications, let it read only those. Fills in both moderation
flags (this one and petitions' Case.publication_decided) for what exists.
The index is built CONCURRENTLY on PostgreSQL."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

from portal.concurrent_index import concurrent_index

INDEX = models.Index(fields=["moderated_at", "id"], name="pub_answer_review_idx",
                     condition=Q(state="published") & Q(answer_to_review=True))


# The moderation queue's index before petitions migration 0005: every case
# that asked for publication. Nothing reads by it now; dropped so filing a
# case updates one index fewer.
OLD_QUEUE_INDEX = "pub_case_wants_public_idx"


def drop_old_queue_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {OLD_QUEUE_INDEX}")


def create_old_queue_index(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD_QUEUE_INDEX} ON petitions_case (submitted_at, id) "
                          "WHERE wants_public")


def fill_in_flags(apps, schema_editor):
    case_model = apps.get_model("petitions", "Case")
    publication_model = apps.get_model("publication", "Publication")
    reply_model = apps.get_model("responses", "Reply")
    case_model.objects.filter(publication__state__in=["published", "rejected"]).update(publication_decided=True)
    newer = reply_model.objects.filter(case_id=OuterRef("case_id"), state="published",
                                       published_at__gt=OuterRef("moderated_at"))
    publication_model.objects.filter(state="published").filter(Exists(newer)).update(answer_to_review=True)


def vacuum_what_was_filled_in(apps, schema_editor):
    """The fill-in updates every decided case: their old entries stay in the
    new partial index as dead ones, and the planner, counting them, read the
    whole cases table for an empty queue (0.7 s at 10,000,000 cases; 6 ms
    after). VACUUM clears them and ANALYZE counts the flags; neither stops
    writes. PostgreSQL only: SQLite keeps no dead index entries."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (ANALYZE) petitions_case")
        schema_editor.execute("VACUUM (ANALYZE) publication_publication")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [
        ("publication", "0003_case_follow"),
        ("petitions", "0005_case_publication_decided"),
        ("responses", "0002_return_visit_resolved"),
    ]

    operations = [
        migrations.AddField(model_name="publication", name="answer_to_review",
                            field=models.BooleanField(default=False, db_default=False, editable=False)),
        migrations.RunPython(fill_in_flags, migrations.RunPython.noop),
        concurrent_index("publication", "publication", INDEX),
        migrations.RunPython(drop_old_queue_index, create_old_queue_index),
        migrations.RunPython(vacuum_what_was_filled_in, migrations.RunPython.noop),
    ]
