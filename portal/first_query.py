"""A request's first query as its connection's health check.

With persistent connections and CONN_HEALTH_CHECKS (portal.settings),
Django sends `SELECT 1` before the first query of every request that reuses
a connection, and replaces the connection if that fails: a round trip to
PostgreSQL on every request. A query that every request of a busy path
begins with (an API request's token) can be the check itself: it runs
first, and only if it fails because the connection is gone (the server
restarted, a failover; `is_usable` says so) is the connection replaced and
the query run once more on the new one. A query that fails for any other
reason (a timeout, an error in it) fails as it would have.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError


def run_as_health_check(read, *, using: str = DEFAULT_DB_ALIAS):
    """read(): a read-only query function, run as the connection's health
    check when none was made in this request yet; its result."""
    connection = connections[using]
    if (connection.connection is None or not connection.health_check_enabled or connection.health_check_done
            or connection.in_atomic_block):
        return read()
    connection.health_check_done = True  # the read below is the check
    try:
        return read()
    except (InterfaceError, OperationalError):
        if connection.is_usable():
            raise  # the query failed, not the connection
        connection.close()  # gone: the next cursor connects anew
        return read()
