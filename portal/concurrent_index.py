"""Indexes added to large tables without stopping writes: built CONCURRENTLY
on PostgreSQL (the migration sets `atomic = False`), as Django builds any
index elsewhere. An invalid index a failed build left is dropped first.

    operations = [concurrent_index("petitions", "case", INDEX)]"""

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


class DropIndexesConcurrently(migrations.operations.base.Operation):
    """Field changes that only drop a column's own index (db_index=False, or
    simple-history's no_db_index), without stopping writes. Django's
    AlterField on a foreign key drops its constraint and adds it back, which
    checks every row under a lock that blocks writes (minutes on a table of
    millions); on PostgreSQL this drops the named indexes CONCURRENTLY
    instead (the migration must set `atomic = False`). Elsewhere, and when
    reversed, the field changes run as Django runs them."""

    reversible = True

    def __init__(self, alterations, index_names):
        self.alterations, self.index_names = list(alterations), list(index_names)

    def deconstruct(self):
        return self.__class__.__qualname__, [self.alterations, self.index_names], {}

    def state_forwards(self, app_label, state):
        for alteration in self.alterations:
            alteration.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for name in self.index_names:
                schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")
            return
        states = self._states(app_label, from_state)
        for number, alteration in enumerate(self.alterations):
            alteration.database_forwards(app_label, schema_editor, states[number], states[number + 1])

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        states = self._states(app_label, to_state)
        for number in reversed(range(len(self.alterations))):
            self.alterations[number].database_backwards(app_label, schema_editor, states[number + 1],
                                                        states[number])

    def _states(self, app_label, before) -> list:
        """The project state before each alteration, and after the last."""
        states = [before]
        for alteration in self.alterations:
            after = states[-1].clone()
            alteration.state_forwards(app_label, after)
            states.append(after)
        return states

    def describe(self):
        return "Drop indexes " + ", ".join(self.index_names)
