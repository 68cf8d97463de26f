"""Query plans, for tests that check an index serves a query (PostgreSQL)."""

from django.db import connection


def plan_without_seq_scans(queryset) -> str:
    """PostgreSQL's plan for the queryset with sequential scans priced out:
    on a test's small tables the planner would prefer them, so any that is
    left means no index can serve the query. Call inside a transaction
    (the setting is SET LOCAL)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
