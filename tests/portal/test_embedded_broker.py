"""The embedded broker (kombu's SQLAlchemy transport on a SQLite file), used
as the web server, beat and a worker use it: several processes publishing
while one consumes. Every message arrives once and whole."""

import json
import subprocess
import sys
import time

import pytest
from django.conf import settings
from kombu import Connection

from portal.embedded import embedded_broker_prepare

PRODUCERS = 2
PER_PRODUCER = 250
PADDING = "问" * 3000  # large enough that a torn write would be a torn message

PRODUCER = """
import json, sys
from kombu import Connection
url, options, padding = sys.argv[1], json.loads(sys.argv[2]), sys.argv[5]
producer, count = int(sys.argv[3]), int(sys.argv[4])
with Connection(url, transport_options=options) as connection:
    queue = connection.SimpleQueue("soak")
    for number in range(count):
        queue.put({"producer": producer, "number": number, "padding": padding})
    queue.close()
"""


def test_concurrent_producers_and_a_consumer_lose_and_tear_no_message(tmp_path):
    broker_file = tmp_path / "broker.sqlite3"
    embedded_broker_prepare(broker_file)
    url = f"sqla+sqlite:///{broker_file}"
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS if not settings.REDIS_URL else {"connect_args": {"timeout": 30}}
    producers = [
        subprocess.Popen([sys.executable, "-c", PRODUCER, url, json.dumps(options), str(number), str(PER_PRODUCER),
                          PADDING], stderr=subprocess.PIPE, text=True)
        for number in range(PRODUCERS)
    ]
    received = []
    deadline = time.monotonic() + 90
    with Connection(url, transport_options=options) as connection:
        queue = connection.SimpleQueue("soak")
        while len(received) < PRODUCERS * PER_PRODUCER and time.monotonic() < deadline:
            try:
                message = queue.get(timeout=1)
            except queue.Empty:
                continue
            body = message.decode()  # raises on a half-written payload
            message.ack()
            assert body["padding"] == PADDING
            received.append((body["producer"], body["number"]))
        queue.close()
    errors = [process.communicate(timeout=30)[1] for process in producers]

    assert [process.returncode for process in producers] == [0] * PRODUCERS, errors
    assert sorted(received) == [(p, n) for p in range(PRODUCERS) for n in range(PER_PRODUCER)]


def test_the_embedded_default_uses_the_sqlite_broker_in_wal_mode():
    if settings.REDIS_URL:
        pytest.skip("the Redis run has no embedded broker")
    import sqlite3

    assert settings.CELERY_BROKER_URL == f"sqla+sqlite:///{settings.BROKER_FILE}"
    connection = sqlite3.connect(settings.BROKER_FILE)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_pruning_deletes_taken_messages_and_keeps_waiting_ones(tmp_path):
    from portal.embedded import embedded_broker_prune

    broker_file = tmp_path / "broker.sqlite3"
    embedded_broker_prepare(broker_file)
    url = f"sqla+sqlite:///{broker_file}"
    with Connection(url) as connection:
        queue = connection.SimpleQueue("prune")
        for number in range(5):
            queue.put({"number": number})
        for _ in range(3):
            queue.get(timeout=5).ack()

        assert embedded_broker_prune(url) == 3
        assert embedded_broker_prune(url) == 0
        assert [queue.get(timeout=5).payload["number"] for _ in range(2)] == [3, 4]
        queue.close()
