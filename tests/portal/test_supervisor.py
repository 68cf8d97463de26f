"""runportal's supervisor: a child that exits is started again, after a
pause that grows with quick failures and is bounded; the others go on."""

import logging
import os
import signal
import sys
import time

from portal.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


def poll_until(supervisor, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor.poll()
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_child_comes_back_and_the_others_keep_running(caplog):
    supervisor = Supervisor({"worker": SLEEPER, "web": SLEEPER}, first_delay=0.1)
    caplog.set_level(logging.INFO, logger="portal.runportal")
    supervisor.start()
    try:
        worker_pid = supervisor.children["worker"].process.pid
        web_pid = supervisor.children["web"].process.pid
        os.kill(worker_pid, signal.SIGKILL)

        assert poll_until(supervisor, lambda: supervisor.children["worker"].process.pid != worker_pid)
        assert supervisor.children["worker"].process.poll() is None
        assert supervisor.children["worker"].restarts == 1
        assert supervisor.children["web"].process.pid == web_pid
        assert supervisor.children["web"].process.poll() is None
        assert f"worker (pid {worker_pid}) exited with code -9; restarting it in 0.1 s" in caplog.text
    finally:
        supervisor.stop()
    assert all(child.process.poll() is not None for child in supervisor.children.values())


def restart_pauses(supervisor, caplog, *, restarts: int) -> list[float]:
    """Run the crashing beat until it was restarted this often; the pauses logged before each restart."""
    caplog.set_level(logging.ERROR, logger="portal.runportal")
    supervisor.start()
    try:
        assert poll_until(supervisor, lambda: supervisor.children["beat"].restarts >= restarts, timeout=30)
    finally:
        supervisor.stop()
    return [record.args[3] for record in caplog.records if "exited with code" in record.getMessage()]


def test_a_child_that_keeps_failing_is_restarted_with_bounded_doubling_pauses(caplog):
    delays = restart_pauses(Supervisor({"beat": CRASHER}, first_delay=0.05, max_delay=0.2), caplog, restarts=4)
    assert delays[:5] == [0.05, 0.1, 0.2, 0.2, 0.2][: len(delays[:5])]
    assert len(delays) >= 4


def test_a_child_that_ran_a_while_starts_again_after_the_first_pause(caplog):
    supervisor = Supervisor({"beat": CRASHER}, first_delay=0.05, max_delay=10, healthy_after=0.0)
    delays = restart_pauses(supervisor, caplog, restarts=3)
    assert set(delays) == {0.05}
