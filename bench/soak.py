"""Soak run of the embedded portal, as a newcomer's `make run` starts it: no
environment variables for the database, the broker or the cache.

    .venv/bin/python bench/soak.py --var-dir /tmp/wenzheng-soak --port 8765 --minutes 120

In a fresh var folder it runs `manage.py migrate`, `load_demo --if-empty`
and `collectstatic`, makes an API token for the demo citizen, starts
`manage.py runportal` on 127.0.0.1:PORT and submits a case through the API
every --interval seconds for --minutes minutes, while watching:

- runportal itself and its children (their pids, from its "started" log
  lines; each "exited with code" line counts as a death and a restart);
- /health/web, /health/worker and /health/beat (every queue's worker ran
  beat's heartbeat recently; beat sent it), after a warm-up;
- the log for CRITICAL, ERROR and tracebacks.

At the end it waits (bounded) until every case has left "submitted" (the
routing task ran: dispatched to a department or sent to the routing
centre), stops runportal as Ctrl+C does, and prints a report. It exits 1
if any case was not accepted or not routed, a process died, a health check
failed after the warm-up, the log shows an error, or runportal did not stop
cleanly. Loopback only; it stops by itself. Run by hand; never by the tests.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables that would move the portal off its embedded default.
CLEARED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "CELERY_TASK_ALWAYS_EAGER", "WENZHENG_BROKER_FILE",
           "MEDIA_ROOT", "EMAIL_HOST", "EMAIL_BACKEND", "WENZHENG_ADDRESS", "DJANGO_SETTINGS_MODULE")
MAKE_TOKEN = """
import json
from accounts.models import User
from api.services import token_create
from petitions.models import Category, Region
citizen = User.objects.get(email="citizen@wenzheng.example")
_token, key = token_create(actor=citizen, user=citizen, name="soak run")
print(json.dumps({"token": key, "category": Category.objects.get(code="urban-noise").pk,
                  "region": Region.objects.get(code="dongcheng-donghuamen").pk}))
"""
STARTED = re.compile(r"started (\w+) \(pid (\d+)\)")
EXITED = re.compile(r"(\w+) \(pid (\d+)\) exited with code (-?\d+)")
ERROR = re.compile(r"\b(CRITICAL|ERROR)\b|Traceback \(most recent call last\)")
HEALTH = ("web", "worker", "beat")


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {message}", flush=True)


def manage(env, *args, timeout=600) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def request(base, path, *, token=None, body=None, timeout=30):
    """(status, parsed JSON or None); a refused connection is status 0."""
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers),
                                    timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


class Watcher:
    """Reads runportal's log as it grows: children's pids, deaths, errors."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.pids: dict[str, int] = {}
        self.deaths: list[str] = []
        self.errors: list[str] = []

    def read(self) -> None:
        with self.path.open(encoding="utf-8", errors="replace") as file:
            file.seek(self.offset)
            text = file.read()
            # Only whole lines; the rest is read next time.
            end = text.rfind("\n") + 1
            self.offset += len(text[:end].encode("utf-8", errors="replace"))
        for line in text[:end].splitlines():
            if started := STARTED.search(line):
                self.pids[started.group(1)] = int(started.group(2))
            if EXITED.search(line):
                self.deaths.append(line.strip())
            elif ERROR.search(line):
                self.errors.append(line.strip())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", required=True, type=Path, help="a fresh folder for the portal's files")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--minutes", type=float, default=120.0, help="how long to submit cases")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds between submissions")
    parser.add_argument("--warm-up", type=float, default=120.0,
                        help="seconds after start before the health checks must pass")
    parser.add_argument("--route-wait", type=float, default=300.0,
                        help="at the end, seconds to wait for the last cases to be routed")
    options = parser.parse_args()

    var_dir = options.var_dir.resolve()
    if var_dir.exists() and any(var_dir.iterdir()):
        raise SystemExit(f"{var_dir} is not empty: give a fresh folder")
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env["WENZHENG_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    base = f"http://127.0.0.1:{options.port}"

    log(f"preparing {var_dir}")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo", "--if-empty")
    made = json.loads(manage(env, "shell", "-c", MAKE_TOKEN).strip().splitlines()[-1])

    portal_log = var_dir / "runportal.log"
    with portal_log.open("w") as output:
        portal = subprocess.Popen([sys.executable, "manage.py", "runportal", "--address", f"127.0.0.1:{options.port}"],
                                  cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    log(f"runportal started (pid {portal.pid}), log {portal_log}")
    watcher = Watcher(portal_log)
    started = time.monotonic()
    failures: list[str] = []
    submitted: list[str] = []
    health_failures = {name: 0 for name in HEALTH}
    health_checks = 0
    child_pid_changes = 0
    try:
        while request(base, "/health/web")[0] != 200:
            if time.monotonic() - started > 120 or portal.poll() is not None:
                raise SystemExit("the portal did not come up within 2 minutes")
            time.sleep(1)
        log("the portal answers")

        end = time.monotonic() + options.minutes * 60
        next_submit = time.monotonic()
        number = 0
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_submit:
                number += 1
                next_submit += options.interval
                status, body = request(base, "/api/v1/cases/", token=made["token"], body={
                    "kind": "complaint", "category": made["category"], "region": made["region"],
                    "title": f"浸泡测试 {number}", "body": f"浸泡测试第 {number} 件：夜间施工噪音扰民。",
                    "submission_key": str(uuid.uuid4()),
                })
                case = (body or {}).get("case") or {}
                if status == 201 and case.get("tracking_number"):
                    submitted.append(case["tracking_number"])
                    log(f"case {number} submitted: {case['tracking_number']}")
                else:
                    failures.append(f"case {number} not accepted: HTTP {status} {str(body)[:300]}")
                    log(failures[-1])
            if portal.poll() is not None:
                failures.append(f"runportal itself exited with code {portal.returncode}")
                break
            before = dict(watcher.pids)
            watcher.read()
            child_pid_changes += sum(1 for name, pid in watcher.pids.items() if name in before and before[name] != pid)
            for name, pid in watcher.pids.items():
                if not alive(pid):
                    log(f"{name} (pid {pid}) is not running")
            if now - started >= options.warm_up:
                health_checks += 1
                for name in HEALTH:
                    status, body = request(base, f"/health/{name}")
                    if status != 200:
                        health_failures[name] += 1
                        log(f"/health/{name} answered {status}: {body}")
            time.sleep(min(10.0, max(0.5, next_submit - time.monotonic())))

        log(f"submissions over; waiting up to {options.route_wait:.0f} s for routing")
        waiting = set(submitted)
        statuses: dict[str, str] = {}
        deadline = time.monotonic() + options.route_wait
        while waiting and time.monotonic() < deadline:
            for tracking in sorted(waiting):
                status, body = request(base, f"/api/v1/cases/{tracking}/", token=made["token"])
                case = (body or {}).get("case", body) or {}
                if status == 200 and case.get("status") not in (None, "submitted"):
                    statuses[tracking] = case["status"]
                    waiting.discard(tracking)
            if waiting:
                time.sleep(5)
        for tracking in sorted(waiting):
            failures.append(f"case {tracking} was never routed")
    finally:
        watcher.read()
        deaths = list(watcher.deaths)  # a child stopping with the rest below is no death
        stopped_cleanly, leftover = stop(portal)
        watcher.read()

    if not stopped_cleanly:
        failures.append("runportal did not stop within 60 s of Ctrl+C")
    if leftover:
        failures.append("processes of runportal's group were still running after it stopped")
    watcher.deaths = deaths
    if watcher.deaths:
        failures.append(f"{len(watcher.deaths)} child process death(s)")
    if watcher.errors:
        failures.append(f"{len(watcher.errors)} error line(s) in the log")
    for name, count in health_failures.items():
        if count:
            failures.append(f"/health/{name} failed {count} of {health_checks} checks")

    by_status: dict[str, int] = {}
    for value in statuses.values():
        by_status[value] = by_status.get(value, 0) + 1
    report = {
        "minutes": round((time.monotonic() - started) / 60, 1),
        "cases_submitted": len(submitted),
        "cases_routed": len(statuses),
        "routed_by_status": by_status,
        "process_deaths": len(watcher.deaths),
        "deaths": watcher.deaths,
        "child_pid_changes": child_pid_changes,
        "health_checks": health_checks,
        "health_failures": health_failures,
        "log_errors": len(watcher.errors),
        "log_error_lines": watcher.errors[:50],
        "failures": failures,
        "result": "FAIL" if failures else "PASS",
    }
    print(json.dumps(report, ensure_ascii=False, indent=2), flush=True)
    return 1 if failures else 0


def stop(portal: subprocess.Popen) -> tuple[bool, bool]:
    """As Ctrl+C does: SIGINT to runportal's process group. Returns whether
    runportal stopped within a minute and whether any process of its group
    was left; those are killed."""
    if portal.poll() is None:
        os.killpg(portal.pid, signal.SIGINT)
    try:
        portal.wait(timeout=60)
        clean = True
    except subprocess.TimeoutExpired:
        clean = False
    time.sleep(1)
    try:
        os.killpg(portal.pid, 0)
        leftover = True
    except ProcessLookupError:
        leftover = False
    if leftover:
        os.killpg(portal.pid, signal.SIGKILL)
    return clean, leftover


if __name__ == "__main__":
    sys.exit(main())
