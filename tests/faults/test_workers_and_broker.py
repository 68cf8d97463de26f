"""Fault matrix, rows 1 and 2: a worker killed in the middle of routing, and
Redis stopped or emptied while citizens submit. Nothing a citizen submitted
is lost and nothing happens twice."""

import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from notifications.models import Event, Notification
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from responses.models import RoutingDecision
from responses.tasks import sweep_unrouted_cases
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    RegionFactory,
    RoutingRuleFactory,
    UserFactory,
    official_of,
)
from tests.faults.support import needs_postgres_and_redis, wait_for

pytestmark = [needs_postgres_and_redis, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def routable():
    department = DepartmentFactory()
    official_of(department)
    category = CategoryFactory()
    RoutingRuleFactory(category=category, lead_department=department)
    return {"department": department, "category": category, "region": RegionFactory(), "citizen": UserFactory()}


def submit(routable, title="路面塌陷") -> Case:
    citizen = routable["citizen"]
    case, _ = case_submit(actor=citizen, kind="complaint", category=routable["category"], region=routable["region"],
                          title=title, body="人民路路面塌陷，十分危险。", contact_email=citizen.email)
    return case


def assert_routed_once(case, department):
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.lead_department == department
    assert RoutingDecision.objects.filter(case=case).count() == 1
    # The department's one official is told once; the citizen is told once.
    assert Notification.objects.filter(case=case, event=Event.NEW_CASE).count() == 1
    assert Notification.objects.filter(case=case, event=Event.DISPATCHED).count() == 1


class RowLock:
    """Holds the case's row lock from another connection, so a worker that
    starts routing it waits inside its transaction, where the test kills it."""

    def __init__(self, case_id):
        self.case_id = case_id
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=self.case_id)
                self.locked.set()
                self.release.wait(60)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(20)


def a_backend_waits_for_the_case_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s", ["%petitions_case%"],  # the text is cut at 1 kB: no FOR UPDATE to see
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_in_the_middle_of_routing_leaves_the_case_routed_once(private_redis, start_worker,
                                                                              routable):
    case = submit(routable)
    assert private_redis.queued("routing") == 1
    with RowLock(case.pk):
        first = start_worker(private_redis.url, name="first")
        # The worker took the message and is inside case_route, waiting for
        # the row: kill it there, as the kernel's OOM killer would.
        assert wait_for(a_backend_waits_for_the_case_lock, timeout=30), first.log_path.read_text()[-3000:]
        first.kill()
        first.wait(10)
    assert private_redis.unacked() == 1, "acks late: the killed worker's message is still owed"
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert not RoutingDecision.objects.filter(case=case).exists()

    # kombu hands an unacknowledged message to another worker once it is
    # older than the visibility timeout (1 s here), looking when a worker
    # starts and then only every ~100 s: let it age before the second starts.
    time.sleep(1.5)
    start_worker(private_redis.url, name="second")

    # The broker gives the message to the second worker (visibility timeout).
    assert wait_for(lambda: Case.objects.get(pk=case.pk).status == Status.DISPATCHED, timeout=30)
    assert wait_for(lambda: private_redis.unacked() == 0 and private_redis.queued("routing") == 0, timeout=15)
    # A sweep on top (beat's outbox) must not route it a second time.
    sweep_unrouted_cases()
    assert_routed_once(case, routable["department"])


def submit_by_form(client, routable, key) -> int:
    return client.post(reverse("petitions:case_submit"), {
        "kind": "complaint", "category": routable["category"].pk, "region": routable["region"].pk,
        "urgency": "normal", "title": "夜间施工噪音", "body": "工地每天午夜后仍在施工。", "submission_key": key,
    }).status_code


def route_waiting_cases_and_check(private_redis, start_worker, routable, cases, settings):
    assert private_redis.queued("routing") == 0, "the routing messages are gone"
    start_worker(private_redis.url)
    # Nothing to consume: the cases wait; only the sweeper brings them back.
    assert Case.objects.filter(pk__in=[c.pk for c in cases], status=Status.SUBMITTED).count() == len(cases)
    settings.ROUTING_SWEEP_AFTER_SECONDS = 0
    assert sweep_unrouted_cases() == len(cases)
    assert wait_for(lambda: not Case.objects.filter(status=Status.SUBMITTED).exists(), timeout=30)
    for case in cases:
        assert_routed_once(case, routable["department"])


def test_citizens_submit_while_redis_is_down_and_the_sweeper_routes_their_cases(
        private_redis, start_worker, routable, client, settings):
    client.force_login(routable["citizen"])
    private_redis.stop()

    codes = [submit_by_form(client, routable, str(uuid.uuid4())) for _ in range(3)]

    assert codes == [302, 302, 302], "a submission must not fail because the broker is down"
    cases = list(Case.objects.all())
    assert len(cases) == 3
    private_redis.start()
    route_waiting_cases_and_check(private_redis, start_worker, routable, cases, settings)


def test_cases_queued_before_redis_lost_every_key_are_still_routed(private_redis, start_worker, routable, settings):
    cases = [submit(routable, title=f"路灯不亮 {n}") for n in range(2)]
    assert private_redis.queued("routing") == 2

    private_redis.client().flushdb()

    route_waiting_cases_and_check(private_redis, start_worker, routable, cases, settings)
