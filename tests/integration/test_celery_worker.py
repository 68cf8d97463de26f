"""A real Celery worker, in its own process, routes a submitted case.

Runs against whatever the settings select: the embedded default (SQLite and
the SQLite broker) or PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set, as CI does in its second pass."""

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from portal.celery import app as celery_app
from portal.embedded import embedded_broker_prepare
from tests.factories import CategoryFactory, DepartmentFactory, RegionFactory, RoutingRuleFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url_of_test_database() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def forget_broker_connections():
    """Producers are pooled per connection settings; drop the app's cached
    pools so the next message uses the transport options now configured."""
    from kombu import pools

    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()  # kombu keeps producer pools per connection, process-wide


@pytest.fixture
def worker(tmp_path, settings):
    env = {**os.environ, "DATABASE_URL": database_url_of_test_database(), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if celery_app.conf.broker_url.startswith("sqla+sqlite"):
        # A private broker file, so a `make run` worker on this machine
        # cannot take the test's messages (nor the test take its).
        broker_file = tmp_path / "broker.sqlite3"
        embedded_broker_prepare(broker_file)
        env["WENZHENG_BROKER_FILE"] = str(broker_file)
        original_url = celery_app.conf.broker_url
        celery_app.conf.broker_url = f"sqla+sqlite:///{broker_file}"
        forget_broker_connections()
    log = open(tmp_path / "worker.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--hostname", f"test-worker-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    yield process
    if env.get("WENZHENG_BROKER_FILE"):
        celery_app.conf.broker_url = original_url
        forget_broker_connections()
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.seek(0)
    print(log.read()[-4000:])


def wait_for(predicate, timeout: float = 45.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_a_real_worker_routes_a_submitted_case_once(worker):
    department = DepartmentFactory()
    category = CategoryFactory()
    RoutingRuleFactory(category=category, lead_department=department)
    citizen = UserFactory()
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=RegionFactory(),
                          title="路面塌陷", body="人民路路面塌陷，十分危险。", contact_email=citizen.email)

    routed = wait_for(lambda: Case.objects.get(pk=case.pk).status == Status.DISPATCHED)

    assert worker.poll() is None, "the worker died"
    assert routed, "the worker did not route the case in time"
    case.refresh_from_db()
    assert case.lead_department == department
    assert case.routing_decisions.count() == 1
    # The receipt went out from the worker too (written to its mail folder
    # or sent by SMTP); the claim on the notification shows it was sent.
    from notifications.models import Event, Notification

    assert wait_for(lambda: Notification.objects.filter(case=case, event=Event.RECEIVED)
                    .exclude(emailed_at=None).exists())
