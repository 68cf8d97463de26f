"""Submissions wake routing with one message per batch, not one per case
(responses.routing_wakeup), and no case is left waiting for a message that
will not come."""

import datetime

import pytest
from django.core.cache import caches
from redis.exceptions import ConnectionError as RedisConnectionError

from petitions.lifecycle import Status
from petitions.models import Case
from petitions.services import case_submit
from responses import routing_wakeup
from responses.tasks import route_case
from tests.factories import RoutingRuleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Routing messages sent (case ids), held as a broker holds them: not run."""
    messages = []

    def send(task, *args):
        messages.append(args[0] if args else None)
        return True

    monkeypatch.setattr(routing_wakeup, "enqueue_now", send)
    return messages


@pytest.fixture
def citizen():
    return UserFactory(email="alice@example.org")


def submit(citizen, category, region, capture, number=1):
    with capture(execute=True):
        case, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                     title=f"夜间施工 {number}", body="凌晨两点仍在施工。", contact_email=citizen.email)
    return case


def test_submissions_while_a_message_is_queued_send_none_and_that_message_routes_them_all(
    sent, citizen, department, category, region, django_capture_on_commit_callbacks
):
    RoutingRuleFactory(category=category, lead_department=department)
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(3)]
    assert sent == [cases[0].pk]
    with django_capture_on_commit_callbacks(execute=True):
        route_case(*sent)  # the worker takes the one message
    assert set(Case.objects.values_list("status", flat=True)) == {Status.DISPATCHED}


def test_once_a_worker_has_started_the_message_the_next_submission_sends_its_own(
    sent, citizen, category, region, django_capture_on_commit_callbacks
):
    first = submit(citizen, category, region, django_capture_on_commit_callbacks, 1)
    with django_capture_on_commit_callbacks(execute=True):
        route_case(first.pk)
    second = submit(citizen, category, region, django_capture_on_commit_callbacks, 2)
    assert sent == [first.pk, second.pk]


def test_a_full_batch_wakes_routing_again_for_the_cases_it_left(
    settings, sent, citizen, department, category, region, django_capture_on_commit_callbacks
):
    settings.ROUTING_BATCH_SIZE = 2
    RoutingRuleFactory(category=category, lead_department=department)
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(5)]
    assert sent == [cases[0].pk]
    with django_capture_on_commit_callbacks(execute=True):
        route_case(sent.pop(0))
    # Two more messages, so that two worker processes share what is left.
    assert sent == [None, None] and Case.objects.filter(status=Status.SUBMITTED).count() == 3
    while sent:
        with django_capture_on_commit_callbacks(execute=True):
            route_case(sent.pop(0))
    assert set(Case.objects.values_list("status", flat=True)) == {Status.DISPATCHED}


def test_a_message_the_broker_refused_leaves_the_next_submission_free_to_try(
    monkeypatch, citizen, category, region, django_capture_on_commit_callbacks
):
    attempts = []

    def refused(task, *args):
        attempts.append(args[0])
        return False

    monkeypatch.setattr(routing_wakeup, "enqueue_now", refused)
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(2)]
    assert attempts == [case.pk for case in cases]


def test_without_the_cache_every_submission_sends_its_message(
    monkeypatch, sent, citizen, category, region, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(caches["default"], "add", unreachable)
    monkeypatch.setattr(caches["default"], "delete", unreachable)
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(2)]
    assert sent == [case.pk for case in cases]
    with django_capture_on_commit_callbacks(execute=True):
        route_case(cases[0].pk)  # clearing the flag fails: logged, and routing goes on
    assert Case.objects.filter(status=Status.SUBMITTED).count() == 0


def test_coalescing_turned_off_sends_a_message_per_submission(
    settings, sent, citizen, category, region, django_capture_on_commit_callbacks
):
    settings.ROUTING_WAKE_SECONDS = 0
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(3)]
    assert sent == [case.pk for case in cases]


def test_a_short_batch_that_left_an_older_case_waiting_tries_again_a_second_later(
    monkeypatch, citizen, category, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # its message not yet run
        left, _created = case_submit(actor=citizen, kind="complaint", category=category, region=region,
                                     title="夜间施工", body="凌晨两点仍在施工。", contact_email=citizen.email)
    Case.objects.filter(pk=left.pk).update(submitted_at=left.submitted_at - datetime.timedelta(seconds=5))
    later = []
    monkeypatch.setattr(route_case, "apply_async", lambda **options: later.append(options))
    # Someone held the case (a batch skips locked rows): this one routed none.
    monkeypatch.setattr("responses.tasks.cases_route_waiting", lambda **kwargs: [])
    route_case.app.conf.task_always_eager = False  # as a worker runs it (the fixture resets it)
    route_case()
    assert later == [{"countdown": routing_wakeup.RETRY_SECONDS}]
    # Another batch ending short within that second sends none, and submissions are not held back.
    routing_wakeup.wake_routing_later()
    assert len(later) == 1 and Case.objects.get(pk=left.pk).status == Status.SUBMITTED
    assert caches["default"].get(routing_wakeup.FLAG_KEY) is None


@pytest.fixture
def asked(monkeypatch, settings):
    """A process's own coalescing of its submissions' askings
    (routing_wakeup._ProcessWake), as a web process runs it (not eager),
    with what it asks recorded: (time, case id)."""
    settings.ROUTING_WAKE_COALESCE_MS = 100
    calls = []
    monkeypatch.setattr(routing_wakeup, "wake_routing",
                        lambda case_id=None: calls.append((routing_wakeup.time.monotonic(), case_id)))
    route_case.app.conf.task_always_eager = False  # the fixture resets it
    return calls


def wait_for(calls, count, seconds=2.0):
    deadline = routing_wakeup.time.monotonic() + seconds
    while len(calls) < count and routing_wakeup.time.monotonic() < deadline:
        routing_wakeup.time.sleep(0.01)
    return calls


def test_a_process_asks_once_for_submissions_committed_close_together_and_after_the_last(asked):
    wake = routing_wakeup._ProcessWake()
    wake.wake(1)  # the first asks at once
    committed = []
    for case_id in (2, 3, 4):
        wake.wake(case_id)
        committed.append(routing_wakeup.time.monotonic())
    assert [case_id for _at, case_id in asked] == [1]
    wait_for(asked, 2)
    # One asking for the three, made after the last of them committed and
    # the coalescing interval after the first asking.
    assert [case_id for _at, case_id in asked] == [1, None]
    assert asked[1][0] >= max(committed) and asked[1][0] - asked[0][0] >= 0.099
    routing_wakeup.time.sleep(0.12)
    wake.wake(5)  # long after the last asking: at once again
    assert [case_id for _at, case_id in asked] == [1, None, 5]


def test_a_forked_process_does_not_wait_for_its_parents_timer(asked):
    wake = routing_wakeup._ProcessWake()
    wake.wake(1)
    wake.wake(2)  # a timer armed in "the parent"
    timer = wake._timer
    timer.cancel()  # as if it stayed behind in the parent
    wake._pid = -1  # and this is the child
    wake.wake(3)
    assert [case_id for _at, case_id in asked] == [1, 3]


def test_each_submission_asks_itself_when_coalescing_is_off(asked, settings):
    settings.ROUTING_WAKE_COALESCE_MS = 0
    wake = routing_wakeup._ProcessWake()
    for case_id in (1, 2, 3):
        wake.wake(case_id)
    assert [case_id for _at, case_id in asked] == [1, 2, 3]


def test_submissions_in_one_process_reach_the_flag_once_per_interval(
    settings, sent, citizen, department, category, region, django_capture_on_commit_callbacks
):
    """Through the real flag: a burst of submissions in one process sends
    one message, and the timer's asking finds it queued."""
    settings.ROUTING_WAKE_COALESCE_MS = 50
    route_case.app.conf.task_always_eager = False
    routing_wakeup._PROCESS_WAKE._reset()
    cases = [submit(citizen, category, region, django_capture_on_commit_callbacks, n) for n in range(4)]
    timer = routing_wakeup._PROCESS_WAKE._timer
    assert timer is not None
    timer.join(2)
    assert sent == [cases[0].pk] and caches["default"].get(routing_wakeup.FLAG_KEY) is not None
