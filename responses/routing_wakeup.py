"""Waking the routing worker after a submission commits: one message per
batch of cases rather than one per case.

A routing message routes the waiting cases, oldest first, up to
ROUTING_BATCH_SIZE (responses.services.cases_route_waiting). While a message
is queued and no worker has started it yet, a newly committed case will be
read by that message's batch, so its submission need not send another. A
flag in the shared cache says such a message is queued:

- after its commit, a submission sets the flag if it is not set (one SET NX)
  and only then sends a message;
- the worker clears the flag before it reads the waiting cases.

A submission that found the flag set committed before a worker cleared it,
so that worker's read sees its case. A full batch may leave cases behind:
the worker then sends two messages whatever the flag says, one to go on and
one more, so a backlog is routed oldest first by every worker process there
is, and each chain ends with a batch that comes back short. A short batch that
left cases filed over a second before it began waiting (skipped because
someone held them, or failing) sends one more message a second later. The flag expires after
ROUTING_WAKE_SECONDS, so a message lost with its worker holds later
submissions back from sending their own for at most that long; the cases
that submissions held back meanwhile are routed by the next message, or by
the sweeper (responses.tasks.sweep_unrouted_cases: after
ROUTING_SWEEP_AFTER_SECONDS and its beat interval, about three minutes). Web
and worker processes must share the cache (Redis; the embedded default's
file cache). When the cache cannot be reached, every submission sends its
message, as before.

Within one process, submissions ask the flag at most once every
ROUTING_WAKE_COALESCE_MS (`_ProcessWake`): a submission that commits sooner
after the last asking leaves it to a timer in its process, due that long
after the last asking, which asks once for every case committed meanwhile.
Each case is still asked for after its commit, at most that long later,
and a busy process makes one round trip to the cache for many submissions
instead of one each. A timer is not a daemon thread: a process that exits
asks first. A process killed meanwhile leaves its last cases to the next
message or the sweeper, as a message lost with its worker does.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from portal.counters import claim_flag
from portal.queue import enqueue_now

logger = logging.getLogger("wenzheng.routing")

FLAG_KEY = "routing:message-queued"
RETRY_KEY = "routing:retry-scheduled"
BACKLOG_MESSAGES = 2
RETRY_SECONDS = 1
# A case filed this long before a batch began and still waiting after it was
# skipped or failed (a submission commits well within it).
STRANDED_AFTER_SECONDS = 1


def wake_routing_on_commit(case_id: int) -> None:
    """Once the surrounding transaction commits, make sure a routing message
    will read this case."""
    transaction.on_commit(lambda: _PROCESS_WAKE.wake(case_id))


class _ProcessWake:
    """wake_routing for the cases this process commits, asked at most once
    every ROUTING_WAKE_COALESCE_MS (the module's docstring)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid, self._asked_at, self._timer = os.getpid(), float("-inf"), None

    def wake(self, case_id: int) -> None:
        from responses.tasks import route_case

        interval = settings.ROUTING_WAKE_COALESCE_MS / 1000
        if interval <= 0 or settings.ROUTING_WAKE_SECONDS <= 0 or route_case.app.conf.task_always_eager:
            wake_routing(case_id)
            return
        with self._lock:
            if self._pid != os.getpid():
                self._reset()  # forked: the parent's timer does not run here
            if self._timer is not None:
                return  # due to ask after this commit
            now = time.monotonic()
            wait = self._asked_at + interval - now
            if wait <= 0:
                self._asked_at = now
            else:
                self._timer = threading.Timer(wait, self._ask)
                self._timer.start()
                return
        wake_routing(case_id)

    def _ask(self) -> None:
        with self._lock:
            self._timer, self._asked_at = None, time.monotonic()
        try:
            wake_routing()
        except Exception:  # a timer thread has no caller to tell
            logger.exception("could not wake routing; the next submission or the sweeper will")


_PROCESS_WAKE = _ProcessWake()


def wake_routing(case_id: int | None = None) -> None:
    """Send a routing message unless one is queued and not yet started."""
    from responses.tasks import route_case

    if _claim_flag() and not enqueue_now(route_case, case_id):
        _clear_flag()  # none went: let the next submission try the broker again


def wake_routing_later() -> None:
    """After a short batch that left older cases waiting (held by someone
    else, so skipped; or failing): one message in RETRY_SECONDS, at most one
    a RETRY_SECONDS. It does not set the flag: submissions meanwhile send
    their own messages and wait for no retry."""
    from responses.tasks import route_case

    if route_case.app.conf.task_always_eager:
        return  # run at once (tests), a retry would run at once too, and again
    try:
        if not caches["default"].add(RETRY_KEY, 1, RETRY_SECONDS):
            return
        route_case.apply_async(countdown=RETRY_SECONDS)
    except (RedisError, OSError, OperationalError, ConnectionError):
        logger.exception("could not schedule routing again; the sweeper will route what waits")


def routing_backlog_continue() -> None:
    """After a full batch: more cases may wait, some of them held back by
    the flag. Two messages, so the backlog is shared out among the worker's
    processes rather than routed one batch at a time."""
    from responses.tasks import route_case

    for _message in range(BACKLOG_MESSAGES):
        enqueue_now(route_case, None)


def routing_message_started() -> None:
    """Called by the worker before it reads the waiting cases: the next
    submission sends a message of its own."""
    _clear_flag()


def _clear_flag() -> None:
    try:
        caches["default"].delete(FLAG_KEY)
    except (RedisError, OSError):  # the flag expires on its own; routing goes on
        logger.warning("could not clear the routing flag; it expires in %s s", settings.ROUTING_WAKE_SECONDS)


def _claim_flag() -> bool:
    if settings.ROUTING_WAKE_SECONDS <= 0:
        return True  # coalescing turned off: a message per case
    try:
        return claim_flag(FLAG_KEY, settings.ROUTING_WAKE_SECONDS)
    except (RedisError, OSError):  # no cache: send the message, the broker may still be up
        return True
