"""New rows of several models written by one SQL statement (PostgreSQL).

A busy write that inserts a handful of related rows (a case, its history
row, its first clock and that clock's first event, the citizen's receipt)
spends more CPU in the ORM than PostgreSQL spends writing them: each
`save()` or `bulk_create()` compiles an INSERT, sends pre_save/post_save,
and costs a round trip, with BEGIN and COMMIT around them. Here the rows are
model instances made as usual, their values prepared by each field as the
ORM prepares them (`get_db_prep_save`), and all of them go in one statement
of data-modifying CTEs: one round trip, and on its own (outside a
transaction block) one implicit transaction, so the rows are written
together or not at all.

Rows that need each other's ids get them first (`next_ids`, from the
tables' own sequences), so a value computed from an id (a hash over it) is
known before the statement is sent. No model signals are sent: the caller
does what their receivers would (and a test pins the receivers it knows).
"""

from contextlib import nullcontext
from datetime import datetime
from functools import cache

from django.db import connections, models, transaction
from django.db.models import AutoField, BigAutoField, SmallAutoField, Value

AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


class Rows:
    """New instances of one model for `insert_together`."""

    def __init__(self, model, objs, *, ignore_conflicts: bool = False):
        self.model, self.objs, self.ignore_conflicts = model, list(objs), ignore_conflicts


def next_ids(*models, using: str = "default") -> list[int]:
    """One new id from each model's primary-key sequence, in one query."""
    connection = connections[using]
    names = [_sequence(model, using) for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["nextval(%s)"] * len(names)), names)
        return list(cursor.fetchone())


def insert_together(parts: list[Rows], *, using: str = "default") -> None:
    """Insert every part's instances in one statement. Instances with a
    primary key keep it; the others take their sequence's next value (and
    are not told it: give ids first where a caller needs them)."""
    connection = connections[using]
    clauses, params = [], []
    for number, part in enumerate(parts):
        if not part.objs:
            continue
        sql, values = _insert_sql(part, connection)
        clauses.append(f"i{number} AS ({sql})")
        params += values
    if not clauses:
        return
    # On its own the statement is its own transaction; inside a caller's, a
    # savepoint, so a failed statement leaves the caller's transaction usable.
    with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext(), \
            connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(clauses) + " SELECT 1", params)
    for part in parts:
        for obj in part.objs:
            obj._state.adding = False
            obj._state.db = using


def _insert_sql(part: Rows, connection) -> tuple[str, list]:
    with_pk = part.objs[0].pk is not None
    if any((obj.pk is not None) != with_pk for obj in part.objs):
        raise ValueError("give every row of a part its id, or none")
    head, plan = _plan(part.model, with_pk, connection)
    rows, params = [], []
    for obj in part.objs:
        marks = []
        for field, as_is, null, prepares in plan:
            value = field.pre_save(obj, True) if prepares else getattr(obj, field.attname)
            if (value is None and null) or (type(value) is as_is and (as_is is not datetime or value.tzinfo)):
                pass  # what get_db_prep_save would return
            elif hasattr(value, "resolve_expression"):
                # A database default (db_default): the column's own DEFAULT,
                # and the instance holds the value it stands for.
                if not isinstance(field.db_default, Value):
                    raise ValueError(f"{part.model.__name__}.{field.name}: only a constant db_default")
                setattr(obj, field.attname, field.db_default.value)
                marks.append("DEFAULT")
                continue
            else:
                value = field.get_db_prep_save(value, connection)
            marks.append("%s")
            params.append(value)
        rows.append("(" + ", ".join(marks) + ")")
    sql = f"{head} VALUES {', '.join(rows)}"
    if part.ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    return sql, params


# Fields (these very classes, not subclasses that may prepare values their
# own way) that hand a value of this Python type to the driver unchanged
# (DateTimeField: an aware datetime): get_db_prep_save would return the
# value itself, and skipping the call is most of the CPU saved.
_AS_IS = {
    models.CharField: str, models.TextField: str, models.EmailField: str, models.SlugField: str,
    models.IntegerField: int, models.BigIntegerField: int, models.SmallIntegerField: int,
    models.PositiveIntegerField: int, models.PositiveSmallIntegerField: int, models.PositiveBigIntegerField: int,
    models.AutoField: int, models.BigAutoField: int, models.BooleanField: bool,
}


def _plan(model, with_pk: bool, connection) -> tuple[str, tuple]:
    """INSERT INTO the table (its columns), and for each column its field;
    the Python type it passes to the driver as it is (a datetime only when
    aware); whether it takes NULL as it is; whether its pre_save does more
    than read the attribute (auto_now, files). Made once per model."""
    known = _PLANS.get((model, with_pk))
    if known is not None:
        return known
    plan = []
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, AUTO_FIELDS) and not with_pk:
            continue
        target = field.target_field if field.is_relation else field
        as_is = datetime if type(field) is models.DateTimeField else _AS_IS.get(type(target))
        prepares = type(field).pre_save is not models.Field.pre_save
        plan.append((field, as_is, field.null, prepares))
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field, *_ in plan)})"
    known = _PLANS[(model, with_pk)] = (head, tuple(plan))
    return known


_PLANS: dict = {}


@cache
def _sequence(model, using: str) -> str:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]
