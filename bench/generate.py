"""Fill PostgreSQL with N cases and the supervision records hanging off
them, with realistic spreads, through COPY (not the ORM) so a million cases
load in minutes on a two-core machine.

    DATABASE_URL=postgres://... .venv/bin/python bench/generate.py --cases 1000000 [--workers 2]

Several worker processes load at once, each with its own range of ids; the
tables' secondary indexes are dropped for the load and built once at the
end (far cheaper than maintaining them row by row), then the dashboard's
tallies are recounted.

Every case gets a dispatch clock; most were dispatched and have a sign-for
clock (met, returned or breached); most of those a reply clock (met on
time, breached, or still running); about half of the replied cases have
feedback. Cases are spread over the past 12 months, the demo departments,
categories and regions (loaded first if missing). Running clocks get due
times around now, so the near-breach list and the scan have work to do.
Run by hand; never by the test suite."""

import argparse
import io
import multiprocessing
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Messages the benchmark enqueues go to a folder no worker reads, so a
# `make run` worker on this machine does not try to deliver them.
os.environ.setdefault("WENZHENG_BROKER_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "wenzheng-bench-broker"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import Department, User  # noqa: E402
from petitions.models import Category, Region  # noqa: E402
from portal.demo import load_demo  # noqa: E402

KINDS = ["consultation"] * 30 + ["suggestion"] * 15 + ["complaint"] * 40 + ["help"] * 15
URGENCIES = ["normal"] * 90 + ["urgent"] * 8 + ["emergency"] * 2
CHUNK = 50_000


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} cases  {rate:,.0f}/s ")
    sys.stderr.flush()


CASE_COLUMNS = [
    "id", "tracking_number", "kind", "channel", "category_id", "region_id", "urgency", "title", "body", "address",
    "wants_public", "contact_name", "contact_email", "contact_phone", "language", "status", "lead_department_id",
    "submitted_at", "dispatched_at", "signed_for_at", "replied_at", "due_at", "version", "reopened_count",
]
CLOCK_COLUMNS = [
    "id", "case_id", "kind", "department_id", "state", "limit_amount", "limit_unit", "escalate_after_working_days",
    "started_at", "warn_at", "due_at", "original_due_at", "stopped_at", "stop_reason", "working_hours",
    "reminded_at", "breached_at", "escalate_at", "category_id", "region_id",
]
FEEDBACK_COLUMNS = ["case_id", "reply_id", "department_id", "resolved", "satisfaction", "comment", "reopened",
                    "given_at"]
REPLY_COLUMNS = ["id", "case_id", "department_id", "author_id", "body", "state", "review_note", "created_at",
                 "published_at"]


LOADED_TABLES = ("petitions_case", "supervision_supervisionclock", "responses_reply", "supervision_feedback")
CLOCKS_PER_CASE = 3  # dispatch, sign-for, reply: each case owns this many clock ids


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the loaded tables' indexes that back no
    constraint: dropped during the load and built once at the end, which is
    far cheaper than updating a dozen indexes row by row."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
        " SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [list(LOADED_TABLES)])
    return cursor.fetchall()


def generate(total: int, *, seed: int = 2026, due_now: int = 1000, workers: int = 2) -> None:
    if not Department.objects.exists():
        load_demo()
    started = time.monotonic()
    with connection.cursor() as cursor:
        bases = {"case": _next_id(cursor, "petitions_case"), "clock": _next_id(cursor, "supervision_supervisionclock"),
                 "reply": _next_id(cursor, "responses_reply")}
        indexes = _secondary_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    connection.close()  # each worker opens its own
    done = multiprocessing.Value("q", 0)
    share, extra = divmod(total, workers)
    parts, first = [], 0
    for worker in range(workers):
        count = share + (1 if worker < extra else 0)
        due = due_now // workers + (due_now % workers if worker == 0 else 0)
        parts.append(multiprocessing.Process(target=_generate_part,
                                             args=(first, count, bases, seed + worker, due, done)))
        first += count
    for process in parts:
        process.start()
    while any(process.is_alive() for process in parts):
        _progress(done.value, total, started)
        time.sleep(1)
    _progress(done.value, total, started)
    if any(process.exitcode for process in parts):
        sys.exit("a worker failed: the indexes were not rebuilt; run `manage.py migrate` on a fresh database")
    sys.stderr.write(f"\nloaded {total:,} cases in {time.monotonic() - started:.1f} s; building indexes ...\n")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table in ("petitions_case", "supervision_supervisionclock", "responses_reply"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    sys.stderr.write(f"loaded and indexed in {time.monotonic() - started:.1f} s\n")


def _generate_part(first_index: int, total: int, bases: dict, seed: int, due_now: int, done) -> None:
    """One worker's cases: indexes first_index .. first_index + total, with
    ids derived from the index so workers never collide."""
    from django.db import connections

    connections.close_all()
    random.seed(seed)
    departments = list(Department.objects.values_list("id", flat=True))
    categories = list(Category.objects.filter(parent__isnull=False).values_list("id", flat=True))
    regions = list(Region.objects.filter(parent__parent__isnull=False).values_list("id", flat=True))
    author = User.objects.filter(memberships__isnull=False).values_list("id", flat=True).first()
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        running_due_left = due_now
        index = first_index
        end = first_index + total
        while index < end:
            size = min(CHUNK, end - index)
            cases, clocks, replies, feedback = [], [], [], []
            for _ in range(size):
                case_id = bases["case"] + index
                clock_id = bases["clock"] + CLOCKS_PER_CASE * index
                reply_id = bases["reply"] + index
                index += 1
                submitted = now - timedelta(seconds=random.randint(0, 365 * 86400))
                department = random.choice(departments)
                kind, urgency = random.choice(KINDS), random.choice(URGENCIES)
                status, dispatched, signed, replied, due = "dispatched", None, None, None, None
                roll = random.random()
                clocks.append((clock_id, case_id, "dispatch", None, "met", 24, "hours", 5, submitted,
                               submitted + timedelta(hours=18), submitted + timedelta(hours=24),
                               submitted + timedelta(hours=24), submitted + timedelta(minutes=5), "", 0.1,
                               None, None, None))
                clock_id += 1
                dispatched = submitted + timedelta(minutes=5)
                sign_due = dispatched + timedelta(days=1)
                if roll < 0.05:
                    status = "returned"
                    clocks.append((clock_id, case_id, "sign_for", department, "met", 1, "working_days", 5, dispatched,
                                   dispatched + timedelta(hours=6), sign_due, sign_due,
                                   dispatched + timedelta(hours=3), "returned", 3.0, None, None, None))
                    clock_id += 1
                else:
                    late = random.random() < 0.1
                    signed = dispatched + timedelta(hours=random.uniform(30, 60) if late else random.uniform(0.2, 7))
                    hours = (signed - dispatched).total_seconds() / 3600
                    clocks.append((clock_id, case_id, "sign_for", department, "breached" if late else "met", 1,
                                   "working_days", 5, dispatched, dispatched + timedelta(hours=6), sign_due, sign_due,
                                   signed, "", round(hours, 2), None, sign_due if late else None,
                                   sign_due + timedelta(days=7) if late else None))
                    clock_id += 1
                    status = "accepted"
                    reply_due = signed + timedelta(days=random.choice([3, 7, 13]))
                    outcome = random.random()
                    if outcome < 0.05 or reply_due > now:
                        # Still being worked on: a running clock. A chosen few are due now.
                        if running_due_left > 0:
                            reply_due = now - timedelta(minutes=random.randint(1, 30))
                            warn = reply_due - timedelta(hours=4)
                            running_due_left -= 1
                        else:
                            reply_due = max(reply_due, now + timedelta(hours=random.randint(1, 400)))
                            warn = max(now + timedelta(minutes=30), reply_due - timedelta(days=1))
                        clocks.append((clock_id, case_id, "reply", department, "running", 7, "working_days", 5,
                                       signed, warn, reply_due, reply_due, None, "", None, None, None, None))
                        due = reply_due
                    else:
                        late = outcome > 0.85
                        replied = signed + (reply_due - signed) * (random.uniform(1.05, 1.6) if late
                                                                   else random.uniform(0.1, 0.95))
                        replied = min(replied, now)
                        hours = (replied - signed).total_seconds() / 3600 / 3
                        clocks.append((clock_id, case_id, "reply", department, "breached" if late else "met", 7,
                                       "working_days", 5, signed, signed, reply_due, reply_due, replied, "",
                                       round(hours, 2), None, reply_due if late else None, None))
                        status = "replied"
                        replies.append((reply_id, case_id, department, author, "已答复。", "published", "", replied,
                                        replied))
                        if random.random() < 0.55:
                            status = "closed"
                            satisfaction = random.choices(["satisfied", "basically_satisfied", "unsatisfied"],
                                                          weights=[60, 25, 15])[0]
                            feedback.append((case_id, reply_id, department, random.random() < 0.8, satisfaction,
                                             "", satisfaction == "unsatisfied" and random.random() < 0.3,
                                             replied + timedelta(days=random.uniform(0, 6))))
                    clock_id += 1
                cases.append((
                    case_id, f"G{case_id:016d}", kind, "web", random.choice(categories), random.choice(regions),
                    urgency, f"生成的诉求 {case_id}", "由基准数据生成器生成。", "", "f", "",
                    f"c{case_id}@bench.example",
                    "", "zh-hans", status, department, submitted, dispatched, signed, replied, due, 1, 0,
                ))
            _copy(cursor, "petitions_case", CASE_COLUMNS, cases)
            # Clocks carry their case's category and region.
            where = {case[0]: (case[4], case[5]) for case in cases}
            clocks = [(*clock, *where[clock[1]]) for clock in clocks]
            _copy(cursor, "supervision_supervisionclock", CLOCK_COLUMNS, clocks)
            _copy(cursor, "responses_reply", REPLY_COLUMNS, replies)
            _copy(cursor, "supervision_feedback", FEEDBACK_COLUMNS, feedback)
            with done.get_lock():
                done.value += size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due-now", type=int, default=1000, help="running clocks made due at once (for the scan)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2, help="processes loading at once")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py loads PostgreSQL with COPY: set DATABASE_URL to a PostgreSQL database.")
    generate(arguments.cases, seed=arguments.seed, due_now=arguments.due_now, workers=arguments.workers)
    from supervision.tallies import rebuild

    started = time.monotonic()
    print("recounting the dashboard's tallies ...", flush=True)
    rows = rebuild()
    print(f"tallies: {rows} in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
