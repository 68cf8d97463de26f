"""Time the supervisors' dashboard and the near-breach list on the data
bench/generate.py loaded (PostgreSQL), and the deadline scan on N running
clocks of which K are due, against a baseline of the same K due among few.

    DATABASE_URL=postgres://.../wenzheng_bench .venv/bin/python bench/supervision.py dashboard
    DATABASE_URL=postgres://.../wenzheng_bench .venv/bin/python bench/supervision.py scan --clocks 1000000 --due 1000

Run by hand; prints one line per measurement (median of the runs)."""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Messages the benchmark enqueues go to a folder no worker reads, so a
# `make run` worker on this machine does not try to deliver them.
os.environ.setdefault("WENZHENG_BROKER_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "wenzheng-bench-broker"))
# The benchmark's supervisor has no authenticator app: without this the
# pages would answer with the two-factor redirect and time nothing.
os.environ.setdefault("OTP_REQUIRED_FOR_ROLES", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def page(client, path: str, params=None):
    """GET a page; a redirect or an error would time the wrong thing."""
    response = client.get(path, params or {})
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code} {response.get('Location', '')}")
    return response


def timed(label: str, action, runs: int = 5) -> float:
    action()  # warm caches (query plans, the calendar)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(f"{label:45} median {median * 1000:8.1f} ms  (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})")
    return median


def dashboard() -> None:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from supervision.metrics import Scope, near_breach, rates_by, rates_from_records

    cursor = connection.cursor()
    cursor.execute("SELECT COUNT(*) FROM petitions_case")
    cases = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM supervision_supervisionclock")
    clocks = cursor.fetchone()[0]
    print(f"{cases:,} cases, {clocks:,} clocks")
    now = datetime.now(UTC)
    # The dashboard's periods are whole days (the page's form), which the
    # tallies answer; the records are counted too, for comparison.
    today = timezone.localdate()
    midnight = lambda day: timezone.make_aware(datetime.combine(day, datetime.min.time()))  # noqa: E731
    year = Scope(start=midnight(today - timedelta(days=365)), end=midnight(today + timedelta(days=1)))
    timed("rates by department, one year, from the records", lambda: rates_from_records(year, now=now))
    timed("rates by department, one year, tallied", lambda: rates_by(year, now=now))
    timed("monthly trend, one year, tallied", lambda: rates_by(year, now=now, by_month=True))
    for group in ("category", "region"):
        timed(f"rates by {group}, one year, tallied", lambda group=group: rates_by(year, group=group, now=now))
    timed("near-breach list (50)", lambda: list(near_breach(now=now)))
    supervisor, _ = User.objects.get_or_create(email="bench-supervisor@bench.example", defaults={"is_superuser": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    start = (now - timedelta(days=365)).date().isoformat()
    timed("dashboard page, one year (whole request)",
          lambda: page(client, "/supervision/", {"start": start, "end": now.date().isoformat()}))
    timed("deadlines page (near-breach + breached)", lambda: page(client, "/supervision/deadlines/"))


def _drain(now) -> tuple[int, int]:
    """Run the scan until it finds nothing more: each call handles one
    batch, as one periodic run would. Returns (reminders, breach notices)."""
    from supervision.scan import send_breach_notices, send_reminders

    reminded = breached = 0
    while True:
        step = send_reminders(now), send_breach_notices(now)
        reminded, breached = reminded + step[0], breached + step[1]
        if step == (0, 0):
            return reminded, breached


def scan(total: int, due: int) -> None:
    """Load `total` running clocks, `due` of them past warning and due time,
    on a handful of cases; time one scan; then delete them.

    What the database already held that is due by now (a generated data
    set's clocks keep falling due as real time passes) is drained first,
    untimed, so the timed scan handles exactly the `due` clocks loaded."""
    from petitions.models import Case
    from supervision.models import ClockState, SupervisionClock

    case_ids = list(Case.objects.values_list("id", flat=True)[:100])
    department = Case.objects.filter(lead_department__isnull=False).values_list("lead_department", flat=True)[0]
    now = datetime.now(UTC)
    started = time.perf_counter()
    already = _drain(now)
    print(f"drained first (untimed): {already[0]} reminders + {already[1]} breach notices already due, "
          f"in {time.perf_counter() - started:.1f} s")
    cursor = connection.cursor()
    started = time.perf_counter()
    cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM supervision_supervisionclock")
    first = cursor.fetchone()[0]
    # Made by the server itself (generate_series): no rows through Python.
    cursor.execute(
        "INSERT INTO supervision_supervisionclock (id, case_id, kind, department_id, state, limit_amount, "
        "limit_unit, escalate_after_working_days, started_at, warn_at, due_at, original_due_at, stop_reason, "
        "working_hours) "
        "SELECT %(first)s + n, (%(cases)s::bigint[])[1 + n %% %(ncases)s], 'reply', %(department)s, 'running', 7, "
        "'working_days', 5, %(now)s - interval '1 day', "
        "CASE WHEN n < %(due)s THEN %(now)s - interval '5 minutes' ELSE %(now)s + interval '3 days' END, "
        "CASE WHEN n < %(due)s THEN %(now)s - interval '1 minute' ELSE %(now)s + interval '5 days' END, "
        "CASE WHEN n < %(due)s THEN %(now)s - interval '1 minute' ELSE %(now)s + interval '5 days' END, '', NULL "
        "FROM generate_series(0, %(total)s - 1) AS n",
        {"first": first, "cases": case_ids, "ncases": len(case_ids), "department": department, "now": now,
         "due": due, "total": total})
    print(f"loaded {total:,} clocks in {time.perf_counter() - started:.1f} s")
    cursor.execute("ANALYZE supervision_supervisionclock")
    running = SupervisionClock.objects.filter(state=ClockState.RUNNING).count()
    try:
        started = time.perf_counter()
        reminded, breached = _drain(now)
        elapsed = time.perf_counter() - started
        print(f"scan: {total:,} running clocks loaded ({running:,} running in all), {due:,} due: {reminded} "
              f"reminders + {breached} breach notices in {elapsed:.2f} s "
              f"({elapsed / max(due, 1) * 1000:.2f} ms per due clock)")
    finally:
        cursor.execute("DELETE FROM notifications_notification WHERE case_id = ANY(%s)", [case_ids])
        cursor.execute("DELETE FROM supervision_clockevent WHERE clock_id >= %s", [first])
        cursor.execute("DELETE FROM supervision_supervisionclock WHERE id >= %s", [first])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["dashboard", "scan"])
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL.")
    if arguments.what == "dashboard":
        dashboard()
    else:
        scan(arguments.clocks, arguments.due)


if __name__ == "__main__":
    main()
