"""New rows of several models written by one SQL statement (PostgreSQL).

A busy write that inserts a few related rows (a case and its history row)
spends more CPU in the ORM than PostgreSQL spends writing them: each
`save()` or `bulk_create()` compiles an INSERT, sends pre_save/post_save,
and costs a round trip, with BEGIN and COMMIT around them. Here the rows are
model instances made as usual, their values prepared by each field as the
ORM prepares them (`get_db_prep_save`), and all of them go in one statement
of data-modifying CTEs: one round trip, and on its own (outside a
transaction block) one implicit transaction, so the rows are written
together or not at all.

A row that needs the id the database gives a row of an earlier part (the
history row, its case's) holds that part's `new_id` where the id goes: the
statement reads it from the part's RETURNING, and the instances are given
it afterwards. No model signals are sent: the caller does what their
receivers would (and a test pins the receivers it knows).
"""

from contextlib import nullcontext
from datetime import datetime

from django.db import connections, models, transaction
from django.db.models import AutoField, BigAutoField, SmallAutoField, Value

AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


class Rows:
    """New instances of one model for `insert_together`."""

    def __init__(self, model, objs, *, ignore_conflicts: bool = False):
        self.model, self.objs, self.ignore_conflicts = model, list(objs), ignore_conflicts
        self.new_id = NewId(self)


class NewId:
    """Stands, in a column of a later part's row, for the id the database
    gives the one row of `part` (its primary key's default)."""

    def __init__(self, part: Rows):
        self.part = part


def insert_together(parts: list[Rows], *, using: str = "default") -> None:
    """Insert every part's instances in one statement. Instances with a
    primary key keep it; the others take their sequence's next value, and
    are given it where a later row used their part's `new_id`."""
    connection = connections[using]
    parts = [part for part in parts if part.objs]
    names = {part: number for number, part in enumerate(parts)}  # the CTE of part n is "in"
    clauses, params, uses = [], [], []
    for part in parts:
        sql, values, used = _insert_sql(part, connection, names)
        clauses.append(sql)
        params += values
        uses += [(obj, attname, earlier) for obj, attname, earlier in used]
    if not clauses:
        return
    returning = list(dict.fromkeys(earlier for _obj, _attname, earlier in uses))
    for earlier in returning:
        if len(earlier.objs) != 1 or earlier.objs[0].pk is not None:
            raise ValueError("new_id stands for the id the database gives a part's one row")
        clauses[names[earlier]] += f" RETURNING {_pk_column(earlier, connection)}"
    select = ", ".join(f"(SELECT {_pk_column(part, connection)} FROM i{names[part]})" for part in returning)
    sql = "WITH " + ", ".join(f"i{names[part]} AS ({clause})" for part, clause in zip(parts, clauses, strict=True))
    # On its own the statement is its own transaction; inside a caller's, a
    # savepoint, so a failed statement leaves the caller's transaction usable.
    with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext(), \
            connection.cursor() as cursor:
        cursor.execute(f"{sql} SELECT {select or 1}", params)
        ids = dict(zip(returning, cursor.fetchone(), strict=False))
    for part, new_id in ids.items():
        part.objs[0].pk = new_id
    for obj, attname, earlier in uses:
        setattr(obj, attname, ids[earlier])
    for part in parts:
        for obj in part.objs:
            obj._state.adding = False
            obj._state.db = using


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
    sql, params, used = _insert_sql(part, connection, {part: 0})
    if used:
        raise ValueError("insert_rows writes one model: new_id belongs to insert_together")
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


def _insert_sql(part: Rows, connection, names: dict) -> tuple[str, list, list]:
    """The part's INSERT, its parameters, and where its rows use an earlier
    part's new id: (instance, attname, that part), the value a subquery on
    that part's CTE."""
    with_pk = part.objs[0].pk is not None
    if any((obj.pk is not None) != with_pk for obj in part.objs):
        raise ValueError("give every row of a part its id, or none")
    head, plan = _plan(part.model, with_pk, connection)
    rows, params, used = [], [], []
    for obj in part.objs:
        marks = []
        for field, as_is, null, prepares in plan:
            value = field.pre_save(obj, True) if prepares else getattr(obj, field.attname)
            if (value is None and null) or (type(value) is as_is and (as_is is not datetime or value.tzinfo)):
                pass  # what get_db_prep_save would return
            elif type(value) is NewId:
                earlier = value.part
                if names.get(earlier, len(names)) >= names[part]:
                    raise ValueError(f"{part.model.__name__}.{field.name}: the new id of a part not written before")
                used.append((obj, field.attname, earlier))
                marks.append(f"(SELECT {_pk_column(earlier, connection)} FROM i{names[earlier]})")
                continue
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
    return sql, params, used


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
