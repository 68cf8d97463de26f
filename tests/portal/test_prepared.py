"""portal.prepared: a busy statement prepared once per PostgreSQL connection
and run by name afterwards, with the same results as the SQL run as text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Department
from portal import prepared

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")

SQL = "SELECT code, name FROM accounts_department WHERE code = %s OR code = %s ORDER BY code"


@pytest.fixture
def departments():
    return [Department.objects.create(code=f"prepared-{n}", name=f"部门{n}", name_en=f"Dept {n}") for n in range(3)]


def rows(sql, params):
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        return cursor.fetchall()


def server_statements() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def test_the_results_are_those_of_the_sql_run_as_text(departments):
    with connection.cursor() as cursor:
        cursor.execute(SQL, ["prepared-0", "prepared-2"])
        expected = cursor.fetchall()
    assert rows(SQL, ["prepared-0", "prepared-2"]) == expected == [("prepared-0", "部门0"), ("prepared-2", "部门2")]
    assert rows(SQL, ["prepared-1", "none"]) == [("prepared-1", "部门1")]


@on_postgresql
def test_prepared_once_per_connection_and_run_by_name(departments):
    prepared.forget(connection)
    with CaptureQueriesContext(connection) as first:
        rows(SQL, ["prepared-0", "x"])
    with CaptureQueriesContext(connection) as second:
        rows(SQL, ["prepared-1", "x"])
    # The PREPARE is not one of the counted queries: a count is the same
    # whether the connection had the statement or not.
    assert len(first.captured_queries) == len(second.captured_queries) == 1
    statement = second.captured_queries[0]["sql"]
    assert statement.startswith("EXECUTE wz_") and "'prepared-1'" in statement
    assert prepared.source(statement) == SQL
    name = statement.split()[1].split("(")[0]
    assert "$1" in server_statements()[name] and "$2" in server_statements()[name]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_prepared_again_when_the_session_lost_it():
    Department.objects.create(code="prepared-2", name="部门2", name_en="Dept 2")
    rows(SQL, ["prepared-2", "x"])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does
    # On its own (autocommit) the statement is prepared again and runs.
    assert rows(SQL, ["prepared-2", "x"]) == [("prepared-2", "部门2")]
    assert any(statement.startswith("SELECT code, name") or "$1" in statement
               for statement in server_statements().values())


@on_postgresql
def test_turned_off_the_sql_runs_as_text(departments, settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as run:
        assert rows(SQL, ["prepared-0", "x"]) == [("prepared-0", "部门0")]
    assert run.captured_queries[0]["sql"].startswith("SELECT")


def test_sql_with_a_literal_percent_runs_as_text(departments):
    sql = "SELECT code FROM accounts_department WHERE code LIKE 'prepared-%%' AND code <> %s ORDER BY code"
    with CaptureQueriesContext(connection) as run:
        assert rows(sql, ["prepared-1"]) == [("prepared-0",), ("prepared-2",)]
    assert run.captured_queries[0]["sql"].startswith("SELECT")


def test_a_statement_not_prepared_here_is_its_own_source():
    assert prepared.source("SELECT 1") == "SELECT 1"
