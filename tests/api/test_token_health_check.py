"""An API request's token read is its connection's health check
(portal.first_query): no SELECT 1 before it, and a connection the server
dropped between requests is replaced without the request failing."""

import pytest
from django.db import close_old_connections, connection

from tests.api.conftest import token_client
from tests.faults.support import terminate

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="a server to drop the connection")]


def new_request():
    """What the server does between requests (request_started/finished,
    which the test client leaves out): the next request checks its
    connection again."""
    close_old_connections()
    assert connection.connection is not None and not connection.health_check_done


@pytest.fixture
def program(citizen):
    client = token_client(citizen)
    assert client.get("/api/v1/cases/").status_code == 200  # the connection is open and kept
    return client


def test_the_token_read_replaces_the_select_1(program, monkeypatch):
    checks = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or real())
    new_request()
    assert program.get("/api/v1/cases/").status_code == 200
    assert checks == []  # the token's read was the check
    assert connection.health_check_done


def test_a_connection_dropped_between_requests_is_replaced_and_the_request_answered(program):
    new_request()
    before = connection.connection
    terminate(connection.connection.get_backend_pid())  # a restart, a failover
    response = program.get("/api/v1/cases/")
    assert response.status_code == 200
    assert connection.connection is not before


def test_a_failing_read_on_a_live_connection_fails_as_it_would(program, monkeypatch):
    from django.db.utils import OperationalError

    from portal.first_query import run_as_health_check

    new_request()

    def timed_out():
        raise OperationalError("canceling statement due to statement timeout")

    with pytest.raises(OperationalError):
        run_as_health_check(timed_out)
    assert connection.connection is not None  # kept: it was the query, not the connection
