"""Overload answers 503 with Retry-After at once, never a hang: requests
that queued too long at the proxy, and statements PostgreSQL cancelled."""

import time

import pytest
from django.db import OperationalError, connection, transaction

from portal.overload import LoadSheddingMiddleware, queued_seconds, set_statement_timeout


def test_the_proxys_stamp_is_read_in_seconds_milliseconds_or_microseconds(rf):
    now = 1_800_000_000.0
    for stamp in ("t=1799999998.500", "1799999998500", "t=1799999998500000"):
        assert queued_seconds(rf.get("/", HTTP_X_REQUEST_START=stamp), now=now) == pytest.approx(1.5)
    assert queued_seconds(rf.get("/"), now=now) is None
    assert queued_seconds(rf.get("/", HTTP_X_REQUEST_START="t=soon"), now=now) is None


@pytest.mark.django_db
def test_a_request_that_queued_too_long_is_turned_away_with_retry_after(client, settings):
    settings.OVERLOAD_QUEUE_LIMIT_MS = 500
    settings.OVERLOAD_RETRY_AFTER_SECONDS = 7
    late = {"HTTP_X_REQUEST_START": f"t={time.time() - 2:.3f}", "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.get("/", **late)
    assert response.status_code == 503 and response["Retry-After"] == "7"
    assert "very busy" in response.content.decode()
    api = client.get("/api/v1/me/", **late)
    assert api.status_code == 503 and api.json()["errors"][0]["code"] == "busy"
    assert client.get("/health/web", **late).status_code == 200  # health checks are never turned away
    fresh = {"HTTP_X_REQUEST_START": f"t={time.time():.3f}"}
    assert client.get("/", **fresh).status_code == 200
    assert client.get("/").status_code == 200  # no stamp: nothing to judge by


@pytest.mark.django_db
def test_each_request_turned_away_is_logged_once_as_a_warning(client, settings, caplog):
    settings.OVERLOAD_QUEUE_LIMIT_MS = 500
    with caplog.at_level("WARNING"):
        assert client.get("/", HTTP_X_REQUEST_START=f"t={time.time() - 2:.3f}").status_code == 503
    assert [(record.name, record.levelname) for record in caplog.records] == [("wenzheng.overload", "WARNING")]


@pytest.mark.django_db
def test_shedding_is_off_by_default(client):
    assert client.get("/", HTTP_X_REQUEST_START=f"t={time.time() - 60:.3f}").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_statement_ends_the_request_with_503(rf, settings):
    if connection.vendor != "postgresql":
        pytest.skip("statement timeouts are PostgreSQL's")
    settings.DB_STATEMENT_TIMEOUT_MS = 50
    set_statement_timeout(None, connection)
    try:
        with pytest.raises(OperationalError) as raised, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        response = LoadSheddingMiddleware(lambda request: None).process_exception(rf.get("/"), raised.value)
        assert response.status_code == 503 and response["Retry-After"]
        other = OperationalError("connection refused")
        assert LoadSheddingMiddleware(lambda request: None).process_exception(rf.get("/"), other) is None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
