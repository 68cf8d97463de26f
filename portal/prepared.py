"""The busiest statements prepared once per database connection (PostgreSQL).

psycopg2 sends every statement as text, and PostgreSQL parses and plans it
each time: for a submission's INSERT of the case and its history row that
is more of the server's CPU than writing the rows, and the reads every
request makes (its token, its session, its user) are planned anew each
time too. Here a statement of a busy path is sent once as `PREPARE` on each
connection and afterwards as `EXECUTE name(values)`: PostgreSQL keeps its
parse tree and, after a few runs, one plan (`plan_cache_mode`).

A prepared statement belongs to the connection (it survives a rollback,
and goes with the connection when it closes), so the names prepared are
kept per psycopg2 connection object. A pooler that hands one server
session to several clients (PgBouncer in transaction mode) does not keep
them: set `DB_PREPARED_STATEMENTS=0` behind one. Elsewhere than PostgreSQL,
and with that setting off, the statement runs as it is.
"""

import hashlib
import weakref

from django.conf import settings
from django.db.utils import DatabaseError

# psycopg2 connection -> names of the statements prepared on it.
_PREPARED: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_FORMS: dict[str, tuple[str, str] | None] = {}
_SOURCES: dict[str, str] = {}  # name -> the SQL it stands for


def execute(cursor, sql: str, params) -> None:
    """cursor.execute(sql, params), prepared on the cursor's connection
    when it is PostgreSQL's and the SQL has only %s placeholders. For
    statements whose text is fixed (a compiled query, a hand-written
    statement): each text is prepared and kept once, on every connection."""
    connection = cursor.db
    if connection.vendor != "postgresql" or not getattr(settings, "DB_PREPARED_STATEMENTS", True):
        cursor.execute(sql, params)
        return
    form = _FORMS.get(sql, False)
    if form is False:
        form = _FORMS[sql] = _prepared_form(sql)
    if form is None:
        cursor.execute(sql, params)
        return
    name, prepare = form
    raw = connection.connection
    names = _PREPARED.get(raw)
    if names is None:
        names = _PREPARED[raw] = set()
    if name not in names:
        _prepare(cursor, prepare)
        names.add(name)
    run = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
    try:
        cursor.execute(run, params)
    except DatabaseError as error:
        # Prepared on this connection, yet unknown to the server: something
        # reset the session (DISCARD ALL). Outside a transaction, prepare it
        # again; inside one the transaction is already aborted.
        if getattr(error.__cause__, "pgcode", None) != "26000" or connection.in_atomic_block:
            raise
        names.clear()
        _prepare(cursor, prepare)
        names.add(name)
        cursor.execute(run, params)


def _prepare(cursor, prepare: str) -> None:
    """PREPARE on the driver's cursor: not one of the request's queries
    (the statement's EXECUTE is), so a query count is the same whether the
    connection had prepared it already or not."""
    with cursor.db.wrap_database_errors:
        cursor.cursor.execute(prepare)


def source(statement: str) -> str:
    """The SQL an `EXECUTE name(…)` ran (a captured query, in a test);
    any other statement as it is."""
    if statement.startswith("EXECUTE wz_"):
        return _SOURCES.get(statement[len("EXECUTE "):].split("(", 1)[0].strip(), statement)
    return statement


def forget(connection) -> None:
    """Drop every statement prepared on `connection` (a test that starts
    from none)."""
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        _PREPARED.pop(connection.connection, None)


def _prepared_form(sql: str) -> tuple[str, str] | None:
    """(name, PREPARE statement) for SQL whose only placeholders are %s;
    None for SQL with other uses of % (a literal %%, a named placeholder)."""
    pieces = sql.split("%s")
    if any("%" in piece for piece in pieces):
        return None
    name = "wz_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20]
    _SOURCES[name] = sql
    numbered = pieces[0] + "".join(f"${number}{piece}" for number, piece in enumerate(pieces[1:], start=1))
    return name, f"PREPARE {name} AS {numbered}"
