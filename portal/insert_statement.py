"""New rows written by hand-made INSERTs (PostgreSQL), for busy writes.

A busy write that inserts rows (a case and its history row; a routing
batch's clocks, events and notices) spends more CPU in the ORM than
PostgreSQL spends writing them: each `save()` or `bulk_create()` compiles
an INSERT, sends pre_save/post_save, and costs a round trip, with BEGIN and
COMMIT around them. Here the rows are model instances made as usual, their
values prepared by each field as the ORM prepares them
(`get_db_prep_save`):

- `insert_with_copy` writes one new row and, in the same statement, a copy
  of it into another table (its history row), the copy's values read back
  from the INSERT's RETURNING: one round trip, and on its own (outside a
  transaction block) one implicit transaction, so both rows are written or
  neither. Its statement has the same text every time and is prepared once
  per connection (portal.prepared).
- `insert_rows` is bulk_create in one INSERT, ids from RETURNING.

No model signals are sent: the caller does what their receivers would (and
a test pins the receivers it knows).
"""

from contextlib import nullcontext
from datetime import datetime

from django.db import connections, models, transaction
from django.db.models import AutoField, BigAutoField, SmallAutoField, Value

from portal import prepared

AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


class Rows:
    """New instances of one model, for one INSERT."""

    def __init__(self, model, objs, *, ignore_conflicts: bool = False):
        self.model, self.objs, self.ignore_conflicts = model, list(objs), ignore_conflicts


def insert_with_copy(obj, *, copy_into, copied: list[str], extra: dict, using: str = "default") -> None:
    """Insert `obj` (a new instance; its id from the database) and, in the
    same statement, a row of the model `copy_into` made of the new row's
    `copied` columns (attnames, named alike in both tables: a history
    table's), read back from the INSERT's RETURNING, so they are the row's
    own values as written, plus `extra` (attname -> value, prepared by
    copy_into's fields). One round trip, and no instance of the copy in
    Python: its values are not sent twice."""
    connection = connections[using]
    part = Rows(type(obj), [obj])
    if obj.pk is not None:
        raise ValueError("insert_with_copy writes a new row: its id comes from the database")
    sql, params = _insert_sql(part, connection)
    returning, copy, added = _copy_plan(part.model, copy_into, tuple(copied), tuple(extra), connection)
    values = [field.get_db_prep_save(extra[field.attname], connection) for field in added]
    statement = f"WITH i0 AS ({sql} RETURNING {returning}), {copy}"
    with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext(), \
            connection.cursor() as cursor:
        prepared.execute(cursor, statement, params + values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = using


def _copy_plan(model, copy_into, copied: tuple, extra: tuple, connection) -> tuple[str, str, list]:
    """insert_with_copy's RETURNING list, the copy's INSERT … SELECT (the
    rest of the statement) and the fields of the extra values. Made once
    per model, copy and columns."""
    key = (model, copy_into, copied, extra, connection.vendor)
    known = _COPY_PLANS.get(key)
    if known is not None:
        return known
    quote = connection.ops.quote_name
    source = {field.attname: field for field in model._meta.concrete_fields}
    target = {field.attname: field for field in copy_into._meta.concrete_fields}
    columns = [quote(source[name].column) for name in copied]
    if [quote(target[name].column) for name in copied] != columns:
        raise ValueError("the copied columns must have the same names in both tables")
    added = [target[name] for name in extra]
    pk = quote(model._meta.pk.column)
    returning = ", ".join(dict.fromkeys([pk, *columns]))
    copy = (f"i1 AS (INSERT INTO {quote(copy_into._meta.db_table)} "
            f"({', '.join(columns + [quote(field.column) for field in added])}) "
            f"SELECT {', '.join(columns + [f'CAST(%s AS {field.cast_db_type(connection)})' for field in added])} "
            f"FROM i0) SELECT {pk} FROM i0")
    known = _COPY_PLANS[key] = (returning, copy, added)
    return known


_COPY_PLANS: dict = {}


def insert_rows(model, objs: list, *, ignore_conflicts: bool = False, using: str = "default") -> list:
    """`bulk_create` for a busy path (routing a batch): one INSERT, its
    values prepared as `insert_together` prepares them, and on PostgreSQL
    the new ids given to the instances in order, from RETURNING, as
    bulk_create gives them (not with ignore_conflicts, whose skipped rows
    return none). Other databases take bulk_create. No signals, as
    bulk_create sends none."""
    objs = list(objs)
    connection = connections[using]
    if not objs or connection.vendor != "postgresql":
        return model.objects.using(using).bulk_create(objs, ignore_conflicts=ignore_conflicts)
    part = Rows(model, objs, ignore_conflicts=ignore_conflicts)
    sql, params = _insert_sql(part, connection)
    returning = objs[0].pk is None and not ignore_conflicts
    with connection.cursor() as cursor:
        cursor.execute(sql + (f" RETURNING {_pk_column(part, connection)}" if returning else ""), params)
        if returning:
            for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = new_id
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


def _pk_column(part: Rows, connection) -> str:
    return connection.ops.quote_name(part.model._meta.pk.column)


def _insert_sql(part: Rows, connection) -> tuple[str, list]:
    """The part's INSERT and its parameters."""
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
