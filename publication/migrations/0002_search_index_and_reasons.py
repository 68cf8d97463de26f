"""On PostgreSQL, a GIN index on the search document of published cases, so
public search does not scan the table; on every database, a partial index on
the cases whose author asked for publication (the moderation queue), kept
here so the petitions app's migrations stay its own; and a starting list of
reasons for refusing publication (administrators edit it)."""

from django.db import migrations

# fastupdate off: publications change at a moderator's pace, and a pending
# list would make the planner price the index (and searches read it) as if
# it were much larger.
CREATE = [
    "CREATE INDEX IF NOT EXISTS pub_search_gin_idx ON publication_publication "
    "USING gin (search_document) WITH (fastupdate = off) WHERE state = 'published'",
]
DROP = ["DROP INDEX IF EXISTS pub_search_gin_idx"]
QUEUE_INDEX = ("CREATE INDEX IF NOT EXISTS pub_case_wants_public_idx ON petitions_case (submitted_at, id) "
               "WHERE wants_public")
DROP_QUEUE_INDEX = "DROP INDEX IF EXISTS pub_case_wants_public_idx"

REASONS = [
    (10, "含有个人隐私，无法充分隐去", "Contains personal data that cannot be removed well enough"),
    (20, "含有辱骂、诽谤或不实内容", "Abusive, defamatory or untrue content"),
    (30, "涉及国家秘密、商业秘密或正在进行的调查", "Concerns secrets or an investigation under way"),
    (40, "对公众没有参考价值", "Of no use to the public"),
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


def add_reasons(apps, schema_editor):
    reason = apps.get_model("publication", "PublicationRejectionReason")
    for order, name, name_en in REASONS:
        reason.objects.get_or_create(name=name, defaults={"name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [
        migrations.RunPython(run(CREATE), run(DROP)),
        migrations.RunSQL(QUEUE_INDEX, DROP_QUEUE_INDEX),
        migrations.RunPython(add_reasons, migrations.RunPython.noop),
    ]
