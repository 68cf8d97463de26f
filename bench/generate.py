"""Fill PostgreSQL with N cases and everything that hangs off them, with
realistic spreads, through COPY (not the ORM) so millions of cases load in
minutes on a two-core machine.

    DATABASE_URL=postgres://... .venv/bin/python bench/generate.py --cases 1000000 [--workers 2]

Several worker processes load at once, each with its own range of ids
(derived from the case's index, so they never collide) and, when connected
as a superuser, without the per-row foreign-key checks; the tables'
secondary indexes are dropped for the load and built once at the end, one
per worker at a time (far cheaper than maintaining them row by row), then
the dashboard's tallies are recounted.

Every case is routed: mostly by the demo routing rule that covers its
category and region (a `rule` routing decision), otherwise it waits in the
routing centre (`no_match`) until the dispatcher sends it on (`manual`).
Every case gets a dispatch clock; most were dispatched and have a sign-for
clock (met, returned or breached); most of those a reply clock (met on
time, breached, or still running); about half of the replied cases have
feedback and are closed. Each clock has its hash-chained event log
(started, breached, stopped) exactly as `supervision.clocks.record` writes
it, each event an entry of the supervision ledger as `supervision.ledger.seal`
chains them (the workers take turns at a shared head, a chunk at a time),
so `manage.py verify_supervision` accepts it; each case has its history
(submitted, routed or dispatched, returned or signed for, replied, closed)
as `petitions.lifecycle.save_transition` writes it. Cases are spread over
the past 12 months, the demo departments, categories and regions (loaded
first if missing). Running clocks get due times around now, so the
near-breach list and the scan have work to do. Run by hand; never by the
test suite."""

import argparse
import hashlib
import io
import json
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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
from accounts.roles import Role  # noqa: E402
from petitions.models import Category, Region  # noqa: E402
from portal.demo import load_demo  # noqa: E402
from responses.models import RoutingRule  # noqa: E402
from responses.routing import rule_matches  # noqa: E402
from supervision.clocks import GENESIS, _snapshot, event_hash  # noqa: E402
from supervision.ledger import current_head, entry_hash  # noqa: E402
from supervision.models import SupervisionClock  # noqa: E402

KINDS = ["consultation"] * 30 + ["suggestion"] * 15 + ["complaint"] * 40 + ["help"] * 15
URGENCIES = ["normal"] * 90 + ["urgent"] * 8 + ["emergency"] * 2
CHUNK = 20_000
TITLE = "生成的诉求"
BODY = "由基准数据生成器生成。"
# Share of cases a rule routes when one covers the case's department; the
# rest come through the routing centre and a dispatcher.
RULE_SHARE = 0.9
# The routing task runs seconds after the submission commits; the case
# reaches its department (by rule or by hand) five minutes after it.
ROUTED_AFTER = timedelta(seconds=10)
DISPATCHED_AFTER = timedelta(minutes=5)
NULL = "\\N"  # COPY's NULL


def _copy(cursor, table: str, columns: list[str], lines: list[str]) -> None:
    """COPY rows already formatted as tab-separated lines."""
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO("".join(lines)), 1 << 20)


def _next_id(cursor, table: str, column: str = "id") -> int:
    cursor.execute(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} cases  {rate:,.0f}/s ")
    sys.stderr.flush()


# A case's history rows repeat its unchanging fields and its changing ones
# in the same order as the case row, so one formatted prefix serves all.
CASE_FIXED = [
    "id", "tracking_number", "kind", "channel", "urgency", "title", "body", "address", "wants_public", "contact_name",
    "contact_email", "contact_phone", "language", "category_id", "region_id", "reopened_count",
]
CASE_STATE = ["status", "lead_department_id", "submitted_at", "dispatched_at", "signed_for_at", "replied_at", "due_at",
              "closed_at"]
CASE_COLUMNS = [*CASE_FIXED, *CASE_STATE, "version"]
HISTORY_COLUMNS = [*CASE_FIXED, *CASE_STATE, "history_id", "history_date", "history_change_reason", "history_type",
                   "history_user_id"]
CLOCK_COLUMNS = [
    "id", "case_id", "kind", "department_id", "state", "limit_amount", "limit_unit", "escalate_after_working_days",
    "started_at", "warn_at", "due_at", "original_due_at", "stopped_at", "stop_reason", "working_hours",
    "reminded_at", "breached_at", "escalate_at", "category_id", "region_id",
]
EVENT_COLUMNS = ["id", "clock_id", "sequence", "action", "at", "actor_id", "reason", "snapshot", "previous_hash",
                 "hash", "ledger_sequence", "ledger_previous", "ledger_hash"]
DECISION_COLUMNS = ["id", "case_id", "method", "rule_id", "department_id", "decided_by_id", "decided_at", "note"]
FEEDBACK_COLUMNS = ["case_id", "reply_id", "department_id", "resolved", "satisfaction", "comment", "reopened",
                    "given_at"]
REPLY_COLUMNS = ["id", "case_id", "department_id", "author_id", "body", "state", "review_note", "created_at",
                 "published_at"]


LOADED_TABLES = ("petitions_case", "petitions_historicalcase", "responses_routingdecision",
                 "supervision_supervisionclock", "supervision_clockevent", "responses_reply", "supervision_feedback")
# Each case owns this many ids in each table, used or not, so the workers'
# ranges never overlap: clocks (dispatch, sign-for, reply), events per
# clock (started, breached, stopped), history rows (submitted, routing
# centre, dispatched, returned or signed for, replied, closed), routing
# decisions (no match, then by hand).
CLOCKS_PER_CASE = 3
EVENTS_PER_CLOCK = 3
HISTORY_PER_CASE = 6
DECISIONS_PER_CASE = 2
# (table, id column) whose ids the generator chooses: their sequences are moved past them.
GENERATED_IDS = (("petitions_case", "id"), ("petitions_historicalcase", "history_id"),
                 ("responses_routingdecision", "id"), ("supervision_supervisionclock", "id"),
                 ("supervision_clockevent", "id"), ("responses_reply", "id"))


def _secondary_indexes(cursor) -> list[tuple[str, str, str]]:
    """(name, definition, table) of the loaded tables' indexes that back
    no constraint: dropped during the load and built once at the end, which
    is far cheaper than updating a dozen indexes row by row."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef, i.tablename FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
        " SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [list(LOADED_TABLES)])
    return cursor.fetchall()


def _build_indexes(definitions: list[str], workers: int) -> None:
    """Build the indexes on `workers` connections at once, biggest tables
    first, so each core builds one (a build uses one core)."""
    from django.db import connections

    def build(definition: str) -> None:
        # Each thread has its own connection; closed after each build (a
        # reconnection costs nothing beside an index).
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute(definition)
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build, definitions))


def _clock_events(lines: list[str], event_id: int, clock_id: int, case_id: int, kind: str, department: str,
                  started: str, warn: str, due: str, steps) -> None:
    """Append a clock's event rows, hash-chained as `supervision.clocks.record`
    does, with the JSON it hashes written out by hand (keys sorted, no
    spaces): json.dumps per event would double the load's Python time.
    `department` is a JSON value; each step is (action, at, actor, reason,
    state, stopped_at, breached_at, escalate_at) with ISO times, JSON values
    for the last three and actor ("null" or an id). The clock's due time
    never moves here, so original_due_at is due_at; nothing is paused,
    reminded or escalated."""
    head = f',"case":{case_id},"department":{department},"due_at":"{due}","escalate_at":'
    middle = (f',"escalated_at":null,"kind":"{kind}","original_due_at":"{due}","paused_at":null,'
              f'"reminded_at":null,"started_at":"{started}","state":"')
    tail = f',"warn_at":"{warn}"}}'
    previous = GENESIS
    sha256 = hashlib.sha256
    sequence = 0
    for action, at, actor, reason, state, stopped, breached, escalate in steps:
        sequence += 1
        # A stopped clock keeps the stop's reason; other events leave it empty.
        snapshot = (f'{{"breached_at":{breached}{head}{escalate}{middle}{state}","stop_reason":"{reason}",'
                    f'"stopped_at":{stopped}{tail}')
        digest = sha256(f'[{clock_id},{sequence},"{action}","{at}",{actor},"{reason}",{snapshot},"{previous}"]'
                        .encode()).hexdigest()
        lines.append(f"{event_id}\t{clock_id}\t{sequence}\t{action}\t{at}\t{NULL if actor == 'null' else actor}\t"
                     f"{reason}\t{snapshot}\t{previous}\t{digest}\n")
        previous = digest
        event_id += 1


def _seal_lines(lines: list[str], sequence: int, previous: str) -> tuple[int, str]:
    """Append the ledger's columns to event lines made by `_clock_events`
    (whose last column is the event's hash), continuing the ledger from
    (sequence, previous) as `supervision.ledger.seal` does; returns the new
    head."""
    sha256 = hashlib.sha256
    for index, line in enumerate(lines):
        digest = line[-65:-1]
        sequence += 1
        current = sha256((previous + digest).encode()).hexdigest()
        lines[index] = f"{line[:-1]}\t{sequence}\t{previous}\t{current}\n"
        previous = current
    return sequence, previous


def _check_event_format() -> None:
    """Refuse to load if the hand-written event JSON no longer matches what
    supervision.clocks hashes (say a field was added to the snapshot)."""
    start = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    due, warn, stop = start + timedelta(days=1), start + timedelta(hours=6), start + timedelta(days=2)
    clock = SupervisionClock(pk=7, case_id=3, kind="sign_for", department_id=5, state="running", started_at=start,
                             warn_at=warn, due_at=due, original_due_at=due)
    steps = [("started", start, None, "", {}),
             ("breached", due, None, "", {"state": "breached", "breached_at": due, "escalate_at": stop}),
             ("stopped", stop, 9, "returned", {"stopped_at": stop, "stop_reason": "returned"})]
    lines: list[str] = []
    _clock_events(lines, 1, 7, 3, "sign_for", "5", start.isoformat(), warn.isoformat(), due.isoformat(), [
        ("started", start.isoformat(), "null", "", "running", "null", "null", "null"),
        ("breached", due.isoformat(), "null", "", "breached", "null", f'"{due.isoformat()}"',
         f'"{stop.isoformat()}"'),
        ("stopped", stop.isoformat(), "9", "returned", "breached", f'"{stop.isoformat()}"', f'"{due.isoformat()}"',
         f'"{stop.isoformat()}"'),
    ])
    previous = GENESIS
    for sequence, ((action, at, actor, reason, changes), line) in enumerate(zip(steps, lines, strict=True), 1):
        for field, value in changes.items():
            setattr(clock, field, value)
        snapshot = _snapshot(clock)
        digest = event_hash(clock_id=7, sequence=sequence, action=action, at=at, actor_id=actor, reason=reason,
                            snapshot=snapshot, previous_hash=previous)
        fields = line.rstrip("\n").split("\t")
        if json.loads(fields[7]) != snapshot or fields[8] != previous or fields[9] != digest:
            raise SystemExit(f"bench/generate.py writes clock events that supervision.clocks would not: {line}")
        previous = digest
    _seal_lines(lines, 41, GENESIS)
    previous = GENESIS
    for sequence, line in enumerate(lines, 42):
        fields = line.rstrip("\n").split("\t")
        if fields[10:] != [str(sequence), previous, entry_hash(previous, fields[9])]:
            raise SystemExit(f"bench/generate.py writes ledger entries that supervision.ledger would not: {line}")
        previous = fields[12]


def _routes(categories: list[Category], regions: list[Region]):
    """Where the active routing rules send the generated cases, as
    first_matching_rule would: {(kind, department): [(rule, category,
    region)]} and {kind: [(category, region)]} for pairs no rule matches."""
    rules = list(RoutingRule.objects.filter(is_active=True, lead_department__is_active=True)
                 .order_by("priority", "id"))
    text = f"{TITLE} 1\n{BODY}".lower()
    routed, unrouted = {}, {}
    for kind in sorted(set(KINDS)):
        for category in categories:
            for region in regions:
                rule = next((rule for rule in rules if rule_matches(
                    rule, kind=kind, category_ids=category.ancestor_ids(), region_ids=region.ancestor_ids(),
                    text=text)), None)
                if rule is None:
                    unrouted.setdefault(kind, []).append((category.pk, region.pk))
                else:
                    routed.setdefault((kind, rule.lead_department_id), []).append((rule.pk, category.pk, region.pk))
    every = [(category.pk, region.pk) for category in categories for region in regions]
    # Rules that cover everything leave nothing for the routing centre: a
    # dispatcher then sends any case by hand.
    return routed, {kind: unrouted.get(kind) or every for kind in set(KINDS)}


def generate(total: int, *, seed: int = 2026, due_now: int = 1000, workers: int = 2,
             write_events: bool = True) -> None:
    if not Department.objects.exists():
        load_demo(history=False)
    _check_event_format()
    started = time.monotonic()
    with connection.cursor() as cursor:
        bases = {"case": _next_id(cursor, "petitions_case"), "clock": _next_id(cursor, "supervision_supervisionclock"),
                 "reply": _next_id(cursor, "responses_reply"), "event": _next_id(cursor, "supervision_clockevent"),
                 "history": _next_id(cursor, "petitions_historicalcase", "history_id"),
                 "decision": _next_id(cursor, "responses_routingdecision")}
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        indexes = _secondary_indexes(cursor)
        for name, _definition, _table in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    # The ledger's head, shared by the workers: each chains a chunk's events
    # onto it in turn, under its lock.
    head_sequence, head_hash = current_head()
    ledger = (multiprocessing.Value("q", head_sequence), multiprocessing.Array("c", head_hash.encode()))
    connection.close()  # each worker opens its own
    done = multiprocessing.Value("q", 0)
    share, extra = divmod(total, workers)
    parts, first = [], 0
    for worker in range(workers):
        count = share + (1 if worker < extra else 0)
        due = due_now // workers + (due_now % workers if worker == 0 else 0)
        parts.append(multiprocessing.Process(target=_generate_part,
                                             args=(first, count, bases, seed + worker, due, superuser, write_events,
                                                   ledger, done)))
        first += count
    for process in parts:
        process.start()
    while any(process.is_alive() for process in parts):
        _progress(done.value, total, started)
        time.sleep(1)
    _progress(done.value, total, started)
    if any(process.exitcode for process in parts):
        sys.exit("a worker failed: the indexes were not rebuilt; run `manage.py migrate` on a fresh database")
    loaded = time.monotonic()
    sys.stderr.write(f"\nloaded {total:,} cases in {loaded - started:.1f} s; building indexes ...\n")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
                       [list(LOADED_TABLES)])
        sizes = dict(cursor.fetchall())
    _build_indexes([definition for _name, definition, table in sorted(indexes, key=lambda index: -sizes[index[2]])],
                   workers)
    if write_events:
        from supervision.ledger import HEAD_ID
        from supervision.models import LedgerHead

        LedgerHead.objects.update_or_create(pk=HEAD_ID, defaults={"sequence": ledger[0].value,
                                                                  "hash": ledger[1].value.decode()})
    with connection.cursor() as cursor:
        for table, column in GENERATED_IDS:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                           f"(SELECT MAX({column}) FROM {table}))")
        cursor.execute("ANALYZE")
    sys.stderr.write(f"indexes built in {time.monotonic() - loaded:.1f} s; "
                     f"loaded and indexed in {time.monotonic() - started:.1f} s\n")


def _generate_part(first_index: int, total: int, bases: dict, seed: int, due_now: int, skip_checks: bool,
                   write_events: bool, ledger, done) -> None:
    """One worker's cases: indexes first_index .. first_index + total, with
    ids derived from the index so workers never collide. Rows are written
    as COPY lines directly, times as ISO strings formatted once each: the
    Python work per row is half the load's cost."""
    from django.db import connections

    connections.close_all()
    random.seed(seed)
    rand, randint, uniform, choice, choices = (random.random, random.randint, random.uniform, random.choice,
                                               random.choices)
    departments = list(Department.objects.values_list("id", flat=True))
    # Leaves of the category tree (a case is filed under the most precise one) and streets.
    categories = list(Category.objects.filter(children__isnull=True).select_related("parent__parent"))
    regions = list(Region.objects.filter(parent__parent__isnull=False).select_related("parent__parent"))
    routed, unrouted = _routes(categories, regions)
    author = User.objects.filter(memberships__isnull=False).values_list("id", flat=True).first()
    dispatcher = User.objects.filter(groups__name=Role.DISPATCHER).values_list("id", flat=True).first()
    official = NULL if author is None else str(author)  # who signs for, returns and replies, in COPY
    official_json = "null" if author is None else str(author)  # the same in an event's JSON
    by_hand = NULL if dispatcher is None else str(dispatcher)
    by_hand_json = "null" if dispatcher is None else str(dispatcher)
    now = datetime.now(UTC)
    year = 365 * 86400
    if skip_checks:
        # The foreign-key checks, one lookup per reference per row, cost as
        # much as the rest of the load together. Every reference here is an id
        # read from the database or generated in the same chunk, so they are
        # skipped, as pg_restore --disable-triggers does (superuser only).
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    hours3, hours4, hours6, hours18, day, week = (timedelta(hours=3), timedelta(hours=4), timedelta(hours=6),
                                                  timedelta(hours=18), timedelta(days=1), timedelta(days=7))
    with connection.cursor() as cursor:
        running_due_left = due_now
        index = first_index
        end = first_index + total
        while index < end:
            size = min(CHUNK, end - index)
            cases, history, decisions, clocks, events, replies, feedback = [], [], [], [], [], [], []
            add_history, add_clock = history.append, clocks.append
            for _ in range(size):
                case_id = bases["case"] + index
                clock_id = bases["clock"] + CLOCKS_PER_CASE * index
                event_id = bases["event"] + CLOCKS_PER_CASE * EVENTS_PER_CLOCK * index
                history_id = first_history = bases["history"] + HISTORY_PER_CASE * index
                decision_id = bases["decision"] + DECISIONS_PER_CASE * index
                reply_id = bases["reply"] + index
                index += 1
                submitted_dt = now - timedelta(seconds=randint(0, year))
                dispatched_dt = submitted_dt + DISPATCHED_AFTER
                sign_due_dt = dispatched_dt + day
                submitted, dispatched, sign_due = (submitted_dt.isoformat(), dispatched_dt.isoformat(),
                                                   sign_due_dt.isoformat())
                department = choice(departments)
                kind, urgency = choice(KINDS), choice(URGENCIES)
                options = routed.get((kind, department))
                if options and rand() < RULE_SHARE:
                    rule, category, region = choice(options)
                else:
                    rule = None
                    category, region = choice(unrouted[kind])
                fixed = (f"{case_id}\tG{case_id:016d}\t{kind}\tweb\t{urgency}\t{TITLE} {case_id}\t{BODY}\t\tf\t\t"
                         f"c{case_id}@bench.example\t\tzh-hans\t{category}\t{region}\t0\t")
                where = f"\t{category}\t{region}\n"  # a clock row's last columns
                add_history(f"{fixed}submitted\t{NULL}\t{submitted}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t"
                            f"{history_id}\t{submitted}\tsubmitted\t+\t{NULL}\n")
                history_id += 1
                dispatching = f"dispatched\t{department}\t{submitted}\t{dispatched}\t{NULL}\t{NULL}"
                if rule is None:
                    routed_at = (submitted_dt + ROUTED_AFTER).isoformat()
                    add_history(f"{fixed}routing_centre\t{NULL}\t{submitted}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{NULL}"
                                f"\t{history_id}\t{routed_at}\trouting_centre\t~\t{NULL}\n")
                    add_history(f"{fixed}{dispatching}\t{sign_due}\t{NULL}\t{history_id + 1}\t{dispatched}\t"
                                f"dispatched\t~\t{by_hand}\n")
                    history_id += 2
                    decisions.append(f"{decision_id}\t{case_id}\tno_match\t{NULL}\t{NULL}\t{NULL}\t{routed_at}\t\n"
                                     f"{decision_id + 1}\t{case_id}\tmanual\t{NULL}\t{department}\t{by_hand}\t"
                                     f"{dispatched}\t\n")
                    router = by_hand_json
                else:
                    add_history(f"{fixed}{dispatching}\t{sign_due}\t{NULL}\t{history_id}\t{dispatched}\trouted\t~\t"
                                f"{NULL}\n")
                    history_id += 1
                    decisions.append(f"{decision_id}\t{case_id}\trule\t{rule}\t{department}\t{NULL}\t{dispatched}"
                                     f"\t\n")
                    router = "null"  # the routing task acts for no one
                # The dispatch clock: started on submission, met on dispatch.
                warn = (submitted_dt + hours18).isoformat()
                due = (submitted_dt + day).isoformat()
                add_clock(f"{clock_id}\t{case_id}\tdispatch\t{NULL}\tmet\t24\thours\t5\t{submitted}\t{warn}\t{due}\t"
                          f"{due}\t{dispatched}\t\t0.1\t{NULL}\t{NULL}\t{NULL}{where}")
                _clock_events(events, event_id, clock_id, case_id, "dispatch", "null", submitted, warn, due, (
                    ("started", submitted, "null", "", "running", "null", "null", "null"),
                    ("stopped", dispatched, router, "", "met", f'"{dispatched}"', "null", "null")))
                clock_id += 1
                event_id += EVENTS_PER_CLOCK
                sign_warn = (dispatched_dt + hours6).isoformat()
                sign_started = ("started", dispatched, router, "", "running", "null", "null", "null")
                signed = replied = due = closed = NULL
                if rand() < 0.05:
                    status = "returned"
                    returned = (dispatched_dt + hours3).isoformat()
                    add_clock(f"{clock_id}\t{case_id}\tsign_for\t{department}\tmet\t1\tworking_days\t5\t{dispatched}"
                              f"\t{sign_warn}\t{sign_due}\t{sign_due}\t{returned}\treturned\t3.0\t{NULL}\t{NULL}\t"
                              f"{NULL}{where}")
                    _clock_events(events, event_id, clock_id, case_id, "sign_for", department, dispatched,
                                  sign_warn, sign_due, (
                                      sign_started,
                                      ("stopped", returned, official_json, "returned", "met", f'"{returned}"',
                                       "null", "null")))
                    add_history(f"{fixed}returned\t{department}\t{submitted}\t{dispatched}\t{NULL}\t{NULL}\t{NULL}\t"
                                f"{NULL}\t{history_id}\t{returned}\treturned\t~\t{official}\n")
                    history_id += 1
                    clock_id += 1
                else:
                    late = rand() < 0.1
                    signed_dt = dispatched_dt + timedelta(hours=uniform(30, 60) if late else uniform(0.2, 7))
                    signed = signed_dt.isoformat()
                    hours = round((signed_dt - dispatched_dt).total_seconds() / 3600, 2)
                    if late:
                        escalate = (sign_due_dt + week).isoformat()
                        add_clock(f"{clock_id}\t{case_id}\tsign_for\t{department}\tbreached\t1\tworking_days\t5\t"
                                  f"{dispatched}\t{sign_warn}\t{sign_due}\t{sign_due}\t{signed}\t\t{hours}\t{NULL}\t"
                                  f"{sign_due}\t{escalate}{where}")
                        _clock_events(events, event_id, clock_id, case_id, "sign_for", department, dispatched,
                                      sign_warn, sign_due, (
                                          sign_started,
                                          ("breached", sign_due, "null", "", "breached", "null", f'"{sign_due}"',
                                           f'"{escalate}"'),
                                          ("stopped", signed, official_json, "", "breached", f'"{signed}"',
                                           f'"{sign_due}"', f'"{escalate}"')))
                    else:
                        add_clock(f"{clock_id}\t{case_id}\tsign_for\t{department}\tmet\t1\tworking_days\t5\t"
                                  f"{dispatched}\t{sign_warn}\t{sign_due}\t{sign_due}\t{signed}\t\t{hours}\t{NULL}\t"
                                  f"{NULL}\t{NULL}{where}")
                        _clock_events(events, event_id, clock_id, case_id, "sign_for", department, dispatched,
                                      sign_warn, sign_due, (
                                          sign_started,
                                          ("stopped", signed, official_json, "", "met", f'"{signed}"', "null",
                                           "null")))
                    clock_id += 1
                    event_id += EVENTS_PER_CLOCK
                    status = "accepted"
                    reply_due_dt = signed_dt + timedelta(days=choice((3, 7, 13)))
                    outcome = rand()
                    if outcome < 0.05 or reply_due_dt > now:
                        # Still being worked on: a running clock. A chosen few are due now.
                        if running_due_left > 0:
                            reply_due_dt = now - timedelta(minutes=randint(1, 30))
                            warn_dt = reply_due_dt - hours4
                            running_due_left -= 1
                        else:
                            reply_due_dt = max(reply_due_dt, now + timedelta(hours=randint(1, 400)))
                            warn_dt = max(now + timedelta(minutes=30), reply_due_dt - day)
                        due, warn = reply_due_dt.isoformat(), warn_dt.isoformat()
                        add_clock(f"{clock_id}\t{case_id}\treply\t{department}\trunning\t7\tworking_days\t5\t{signed}"
                                  f"\t{warn}\t{due}\t{due}\t{NULL}\t\t{NULL}\t{NULL}\t{NULL}\t{NULL}{where}")
                        _clock_events(events, event_id, clock_id, case_id, "reply", department, signed, warn, due, (
                            ("started", signed, official_json, "", "running", "null", "null", "null"),))
                        add_history(f"{fixed}accepted\t{department}\t{submitted}\t{dispatched}\t{signed}\t{NULL}\t"
                                    f"{due}\t{NULL}\t{history_id}\t{signed}\tsigned_for\t~\t{official}\n")
                        history_id += 1
                    else:
                        late = outcome > 0.85
                        replied_dt = min(now, signed_dt + (reply_due_dt - signed_dt) * (
                            uniform(1.05, 1.6) if late else uniform(0.1, 0.95)))
                        replied, reply_due = replied_dt.isoformat(), reply_due_dt.isoformat()
                        hours = round((replied_dt - signed_dt).total_seconds() / 3600 / 3, 2)
                        started = ("started", signed, official_json, "", "running", "null", "null", "null")
                        if late:
                            add_clock(f"{clock_id}\t{case_id}\treply\t{department}\tbreached\t7\tworking_days\t5\t"
                                      f"{signed}\t{signed}\t{reply_due}\t{reply_due}\t{replied}\t\t{hours}\t{NULL}\t"
                                      f"{reply_due}\t{NULL}{where}")
                            _clock_events(events, event_id, clock_id, case_id, "reply", department, signed, signed,
                                          reply_due, (
                                              started,
                                              ("breached", reply_due, "null", "", "breached", "null",
                                               f'"{reply_due}"', "null"),
                                              ("stopped", replied, official_json, "", "breached", f'"{replied}"',
                                               f'"{reply_due}"', "null")))
                        else:
                            add_clock(f"{clock_id}\t{case_id}\treply\t{department}\tmet\t7\tworking_days\t5\t"
                                      f"{signed}\t{signed}\t{reply_due}\t{reply_due}\t{replied}\t\t{hours}\t{NULL}\t"
                                      f"{NULL}\t{NULL}{where}")
                            _clock_events(events, event_id, clock_id, case_id, "reply", department, signed, signed,
                                          reply_due, (
                                              started,
                                              ("stopped", replied, official_json, "", "met", f'"{replied}"', "null",
                                               "null")))
                        add_history(f"{fixed}accepted\t{department}\t{submitted}\t{dispatched}\t{signed}\t{NULL}\t"
                                    f"{reply_due}\t{NULL}\t{history_id}\t{signed}\tsigned_for\t~\t{official}\n"
                                    f"{fixed}replied\t{department}\t{submitted}\t{dispatched}\t{signed}\t{replied}\t"
                                    f"{NULL}\t{NULL}\t{history_id + 1}\t{replied}\treplied\t~\t{official}\n")
                        history_id += 2
                        status = "replied"
                        replies.append(f"{reply_id}\t{case_id}\t{department}\t{official}\t已答复。\tpublished\t\t"
                                       f"{replied}\t{replied}\n")
                        if rand() < 0.55:
                            status = "closed"
                            satisfaction = choices(("satisfied", "basically_satisfied", "unsatisfied"),
                                                   weights=(60, 25, 15))[0]
                            closed = (replied_dt + timedelta(days=uniform(0, 6))).isoformat()
                            feedback.append(f"{case_id}\t{reply_id}\t{department}\t{'t' if rand() < 0.8 else 'f'}\t"
                                            f"{satisfaction}\t\t"
                                            f"{'t' if satisfaction == 'unsatisfied' and rand() < 0.3 else 'f'}\t"
                                            f"{closed}\n")
                            add_history(f"{fixed}closed\t{department}\t{submitted}\t{dispatched}\t{signed}\t"
                                        f"{replied}\t{NULL}\t{closed}\t{history_id}\t{closed}\tclosed\t~\t{NULL}\n")
                            history_id += 1
                        due = NULL
                    clock_id += 1
                # The case as its last history row left it; its version counts the saves.
                version = history_id - first_history
                cases.append(f"{fixed}{status}\t{department}\t{submitted}\t{dispatched}\t{signed}\t{replied}\t{due}\t"
                             f"{closed}\t{version}\n")
            _copy(cursor, "petitions_case", CASE_COLUMNS, cases)
            _copy(cursor, "petitions_historicalcase", HISTORY_COLUMNS, history)
            _copy(cursor, "responses_routingdecision", DECISION_COLUMNS, decisions)
            _copy(cursor, "supervision_supervisionclock", CLOCK_COLUMNS, clocks)
            if write_events:
                sequence, head = ledger
                with sequence.get_lock():
                    last, previous = _seal_lines(events, sequence.value, head.value.decode())
                    sequence.value, head.value = last, previous.encode()
                _copy(cursor, "supervision_clockevent", EVENT_COLUMNS, events)
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
    parser.add_argument("--without-event-log", action="store_true",
                        help="compute the clocks' event logs but do not write them (about 4.5 GB a million cases; "
                             "verify_supervision then reports every clock as having no history)")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py loads PostgreSQL with COPY: set DATABASE_URL to a PostgreSQL database.")
    generate(arguments.cases, seed=arguments.seed, due_now=arguments.due_now, workers=arguments.workers,
             write_events=not arguments.without_event_log)
    from supervision.tallies import rebuild

    started = time.monotonic()
    print("recounting the dashboard's tallies ...", flush=True)
    rows = rebuild()
    print(f"tallies: {rows} in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
