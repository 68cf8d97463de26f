"""Indexes added to large tables without stopping writes: on PostgreSQL
built CONCURRENTLY (the migration must set `atomic = False`), elsewhere as
Django builds any index. A build that failed or was cancelled leaves an
invalid index behind on PostgreSQL: it is dropped first, so running the
migration again builds a valid one.

    operations = [concurrent_index("petitions", "case", INDEX)]
"""

from django.db import migrations


def concurrent_index(app_label: str, model_name: str, index) -> migrations.SeparateDatabaseAndState:
    def create(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(index.name)}")
            schema_editor.execute(index.create_sql(model, schema_editor, concurrently=True))
        else:
            schema_editor.add_index(model, index)

    def drop(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(index.name)}")
        else:
            schema_editor.remove_index(model, index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
        database_operations=[migrations.RunPython(create, drop)],
    )
