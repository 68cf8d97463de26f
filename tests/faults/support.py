"""What the fault tests share: the PostgreSQL-and-Redis condition, a private
Redis server the test may kill, and real Celery workers pointed at it."""

import os
import signal
import socket
import subprocess
import sys
import time

import psycopg2
import pytest
from django.db import connection

from portal.celery import app as celery_app
from tests.integration.test_celery_worker import database_url_of_test_database, forget_broker_connections

needs_postgres_and_redis = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) and os.environ.get("REDIS_URL")),
    reason="the fault matrix runs on PostgreSQL and Redis (DATABASE_URL and REDIS_URL)",
)


def terminate(backend_pid: int) -> None:
    """What a database restart or a failover does to one connection."""
    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                             host=db["HOST"] or "localhost", port=db["PORT"] or 5432)
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        other.close()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own: the machine's Redis serves others,
    so it is never the one stopped or flushed."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.is_up, timeout=10), "the private redis-server did not start"

    def stop(self):
        """Gone at once, as a crashed server is: no shutdown save, nothing kept."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def is_up(self) -> bool:
        try:
            return self.client().ping()
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def queued(self, queue: str) -> int:
        return self.client().llen(queue)

    def unacked(self) -> int:
        return self.client().hlen("unacked")


@pytest.fixture
def private_redis(tmp_path):
    """A private Redis, and the app's broker pointed at it for this test."""
    server = PrivateRedis(tmp_path)
    server.start()
    original = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = server.url
    # Fail fast while the server is down: the request must not hang on it.
    celery_app.conf.broker_transport_options = {"visibility_timeout": 1, "socket_connect_timeout": 1,
                                                "socket_timeout": 2}
    forget_broker_connections()
    celery_app.conf.task_always_eager = False
    yield server
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = original
    forget_broker_connections()
    server.stop()


@pytest.fixture
def start_worker(tmp_path, settings):
    """Start real `celery worker` processes on the test database and a given
    broker; each is stopped (or found killed) at the end."""
    started = []

    def start(broker_url: str, name: str = "w1", visibility_timeout: int = 1):
        env = {**os.environ, "DATABASE_URL": database_url_of_test_database(), "REDIS_URL": broker_url,
               "DJANGO_SETTINGS_MODULE": "portal.settings", "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
               "WENZHENG_VAR_DIR": str(tmp_path / f"var-{name}"), "EMAIL_BACKEND":
               "django.core.mail.backends.locmem.EmailBackend"}
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        log_path = tmp_path / f"worker-{name}.log"
        log = open(log_path, "w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--hostname", f"fault-{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        process.log_path = log_path
        started.append((process, log))
        assert wait_for(lambda: " ready." in log_path.read_text() or process.poll() is not None, timeout=45)
        assert process.poll() is None, log_path.read_text()[-3000:]
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.seek(0)
        print(log.read()[-3000:])
        log.close()
