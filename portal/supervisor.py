"""Keeps a set of child processes running (manage.py runportal): a child
that exits is started again after a pause that doubles with each quick
failure, up to a bound, so one crash never stops the others."""

import logging
import subprocess
import time
from dataclasses import dataclass, field

logger = logging.getLogger("portal.runportal")


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0  # quick exits in a row; reset once it stays up
    restart_at: float | None = None
    restarts: int = 0


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    cwd: str | None = None
    first_delay: float = 1.0
    max_delay: float = 60.0
    # A child that ran this long had started fine: its next exit is not one
    # more failure in a row, and it restarts after the first delay again.
    healthy_after: float = 60.0
    children: dict[str, Child] = field(default_factory=dict)

    def start(self) -> None:
        for name, command in self.commands.items():
            self.children[name] = Child(name, command)
            self._spawn(self.children[name])

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, cwd=self.cwd)
        child.started_at = time.monotonic()
        child.restart_at = None
        logger.info("started %s (pid %s)", child.name, child.process.pid)

    def poll(self) -> None:
        """One round: notice exited children, restart those whose pause is over."""
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._spawn(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            if now - child.started_at >= self.healthy_after:
                child.failures = 0
            child.failures += 1
            delay = min(self.max_delay, self.first_delay * 2 ** (child.failures - 1))
            child.restart_at = now + delay
            logger.error("%s (pid %s) exited with code %s; restarting it in %.1f s",
                         child.name, child.process.pid, code, delay)

    def stop(self, timeout: float = 15.0) -> None:
        running = [c.process for c in self.children.values() if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
