"""Query counts of logged-in requests, on either database."""

from django.db import connection


def with_access(queries: int, *, roles_and_departments: int) -> int:
    """`queries` as counted on SQLite, where a user's roles and departments
    are each read on their own when asked (`roles_and_departments` of
    those reads among them); on PostgreSQL they come with the user
    (accounts.backends), in the same statement."""
    return queries - roles_and_departments if connection.vendor == "postgresql" else queries
