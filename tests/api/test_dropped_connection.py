"""A database connection the server dropped between requests (a restart, a
failover) is replaced by Django's health check: the next API request is
answered, not failed."""

import pytest
from django.db import close_old_connections, connection

from tests.api.conftest import token_client
from tests.faults.support import terminate

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="a server to drop the connection")]


def test_a_connection_dropped_between_requests_is_replaced_and_the_request_answered(citizen):
    connection.close()  # a new one, well within CONN_MAX_AGE, however long the run has lasted
    program = token_client(citizen)
    assert program.get("/api/v1/cases/").status_code == 200  # the connection is open and kept
    close_old_connections()  # what the server does between requests
    before = connection.connection
    terminate(connection.connection.get_backend_pid())
    assert program.get("/api/v1/cases/").status_code == 200
    assert connection.connection is not before
