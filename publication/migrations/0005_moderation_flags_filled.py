"""Fills in both moderation flags (Case.publication_decided and
Publication.answer_to_review) for what exists, in batches
(publication.moderation_flags), then builds the answers' partial index
CONCURRENTLY on PostgreSQL and drops the moderation queue's old index.
Every step can be run again. After the restart, `manage.py
fill_moderation_flags` catches what the previous release decided while
this ran (docs/deploy.md)."""

from django.db import migrations, models
from django.db.models import Q

from portal.concurrent_index import concurrent_index
from publication.moderation_flags import fill_in

INDEX = models.Index(fields=["moderated_at", "id"], name="pub_answer_review_idx",
                     condition=Q(state="published") & Q(answer_to_review=True))

# The moderation queue's index before petitions migration 0006: every case
# that asked for publication. Nothing reads by it now; dropped so filing a
# case updates one index fewer.
OLD_QUEUE_INDEX = "pub_case_wants_public_idx"


def fill_in_flags(apps, schema_editor):
    fill_in(apps.get_model("petitions", "Case"), apps.get_model("publication", "Publication"),
            apps.get_model("responses", "Reply"))


def _concurrently(schema_editor) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def drop_old_queue_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {OLD_QUEUE_INDEX}")


def create_old_queue_index(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {OLD_QUEUE_INDEX} "
                          "ON petitions_case (submitted_at, id) WHERE wants_public")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [
        ("publication", "0004_answer_to_review"),
        ("responses", "0002_return_visit_resolved"),
    ]

    operations = [
        migrations.RunPython(fill_in_flags, migrations.RunPython.noop),
        concurrent_index("publication", "publication", INDEX),
        migrations.RunPython(drop_old_queue_index, create_old_queue_index),
    ]
