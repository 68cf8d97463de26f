"""The tables a submission writes keep no index that only costs writes: an
index on a column alone beside another that starts with that column, or the
case history's copies of the case's indexes (its history is read by case
and date only)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's catalogue")]

WRITTEN_BY_A_SUBMISSION = ["petitions_case", "petitions_historicalcase", "supervision_supervisionclock",
                           "supervision_clockevent", "notifications_notification"]


def indexes_of(table: str) -> list[tuple[str, list[str], bool, bool]]:
    """(name, columns in order, unique or primary, partial or on an expression)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.relname, array_agg(a.attname ORDER BY k.ord), x.indisunique OR x.indisprimary,
                   x.indpred IS NOT NULL OR x.indexprs IS NOT NULL
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = %s
            GROUP BY i.relname, x.indisunique, x.indisprimary, x.indpred, x.indexprs""", [table])
        return cursor.fetchall()


@pytest.mark.parametrize("table", WRITTEN_BY_A_SUBMISSION)
def test_no_index_on_a_column_alone_where_another_index_starts_with_it(table):
    indexes = indexes_of(table)
    redundant = [
        name for name, columns, unique, special in indexes
        if len(columns) == 1 and not unique and not special and not name.endswith("_like")
        and any(other != name and others[0] == columns[0] and not partial  # a partial one covers some rows
                for other, others, _unique, partial in indexes)
    ]
    assert redundant == []


def test_the_case_history_is_indexed_for_how_it_is_read():
    columns = sorted(tuple(columns) for _name, columns, _unique, _special in indexes_of("petitions_historicalcase"))
    assert columns == [("history_date",), ("history_id",), ("history_user_id",), ("id",)]


def test_a_new_case_writes_no_entry_in_the_indexes_of_keys_it_leaves_empty():
    """A submission has no department, assignee, merge or recording
    operator yet: the indexes led by those keys hold only the cases that
    have them, so a new case writes none of them."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.relname, a.attname, pg_get_expr(x.indpred, x.indrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
            WHERE t.relname = 'petitions_case'
              AND a.attname IN ('lead_department_id', 'assigned_to_id', 'merged_into_id', 'recorded_by_id')""")
        led = cursor.fetchall()
    assert len(led) == 13
    # The inbox's place filters are narrower still: routed cases with a place.
    narrower = {"case_dept_area_idx": "(area_id IS NOT NULL)", "case_dept_point_idx": "(latitude IS NOT NULL)"}
    for name, column, predicate in led:
        expected = f"({column} IS NOT NULL)"
        if name in narrower:
            expected = f"({expected} AND {narrower[name]})"
        assert predicate == expected, (name, predicate)
