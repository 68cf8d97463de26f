"""HTTP benchmark: portal pages and API against ceilings measured in the same
run, on the same machine, behind the same gunicorn configuration.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/web.py --seconds 15

Ceilings (bench/urls.py): a bare JSON view, a view inserting one row, and a
view listing the 50 newest rows of a 1,000,000-row table by an indexed key.
Portal figures: case submission through the API (validation, insert,
history, enqueue after commit), an official's inbox page and its API
(reloaded, and each request a new URL so nothing rendered is reused), the
public case list, a Chinese search and the public map's data (city and
street, unfiltered and filtered by category). Load comes from wrk (Debian's
package) in a second process on 127.0.0.1; gunicorn runs 2 sync workers
(--web-workers) with persistent database connections. Run by hand; never by the tests."""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("WENZHENG_BROKER_DIR", os.path.join(tempfile.gettempdir(), "wenzheng-bench-broker"))

PORT = 8765
SERVER_ENV = {
    "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "600",
    "API_RATE_USER": "100000000/min", "API_RATE_WRITE": "100000000/min", "API_RATE_ANON": "100000000/min",
    "DJANGO_SETTINGS_MODULE": "bench.settings", "LOG_LEVEL": "WARNING",
}
# The server's settings here too: sessions made below are signed with its key.
os.environ.update(SERVER_ENV)


import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.urls import OWNERS, TABLE  # noqa: E402


def fill_ceiling_table(rows: int = 1_000_000) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, owner_id integer NOT NULL, "
                       "created_at timestamptz NOT NULL, body text NOT NULL)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_owner_idx ON {TABLE} (owner_id, created_at DESC, id DESC)")
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        have = cursor.fetchone()[0]
        if have < rows:
            cursor.execute(
                f"INSERT INTO {TABLE} (owner_id, created_at, body) SELECT n %% {OWNERS}, "
                "now() - n * interval '1 second', '一行基准数据' FROM generate_series(1, %s) AS n", [rows - have])
            cursor.execute(f"ANALYZE {TABLE}")


def credentials() -> dict:
    """Tokens and a session for the demo citizen and official."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from api.services import token_create
    from petitions.models import Category, Region

    citizen = User.objects.get(email="citizen@wenzheng.example")
    official = User.objects.get(email="official@wenzheng.example")
    _token, citizen_key = token_create(actor=citizen, user=citizen, name=f"bench {uuid.uuid4().hex[:6]}")
    _token, official_key = token_create(actor=official, user=official, name=f"bench {uuid.uuid4().hex[:6]}")
    session = SessionStore()
    session[SESSION_KEY] = str(official.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = official.get_session_auth_hash()
    session.create()
    return {"citizen": citizen_key, "official": official_key, "session": session.session_key,
            "category": Category.objects.filter(is_active=True).values_list("pk", flat=True).first(),
            "region": Region.objects.filter(is_active=True).values_list("pk", flat=True).first()}


# Marks this benchmark's submissions, which clean_up withdraws.
SUBMIT_TITLE = "基准：夜间施工噪音扰民"
SUBMIT_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"kind":"complaint","category":%(category)d,"region":%(region)d,' ..
    '"title":"%(title)s %%d","body":"凌晨两点仍在施工，噪音很大，影响休息。"}', counter)
  return wrk.format(nil, nil, nil, body)
end
"""

CONFIRM_SCRIPT = """
-- Each request confirms another pending signature (tokens from a file),
-- as a signer pressing the button on the page the e-mailed link opens.
local counter = 0
local tokens = {}
local stride, offset = 1, 0
local next_thread = 0
function setup(thread)
  thread:set("offset", next_thread)
  next_thread = next_thread + 1
end
function init(args)
  for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
  offset = tonumber(wrk.thread:get("offset")) or 0
  stride = %(threads)d
end
request = function()
  local token = tokens[(offset + counter * stride) %% #tokens + 1]
  counter = counter + 1
  return wrk.format("POST", "/petitions/confirm/" .. token .. "/",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "csrftoken=%(csrf)s"},
    "csrfmiddlewaretoken=%(csrf)s")
end
"""

HEADER_SCRIPT = """
wrk.method = "%(method)s"
%(headers)s
"""

# Each request asks for another URL (a parameter the page ignores), as a
# browser would after following a link rather than reloading.
NEW_URL_SCRIPT = HEADER_SCRIPT + """
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?n=" .. counter .. "-" .. math.random(1000000000))
end
"""


# Runs whose requests each use up a row made for them (a pending signature
# is confirmed once): no warm-up run, which would leave the measured run
# repeating requests that no longer do the work.
USE_UP_THEIR_DATA = {"petition signature confirmed"}


TOKEN_FILES: list[str] = []


def pending_signatures(count: int) -> str:
    """An open petition with `count` signatures waiting for confirmation;
    returns a file of their confirmation tokens, one a line."""
    from django.db import transaction

    from accounts.models import User
    from petitions.models import Category, Kind, Region
    from petitions.services import case_submit
    from publication.services import publication_approve
    from responses.services import case_route
    from signatures.models import Petition, Signature
    from signatures.services import confirmation_token

    citizen = User.objects.get(email="citizen@wenzheng.example")
    moderator = User.objects.get(email="moderator@wenzheng.example")
    with transaction.atomic():
        case, _created = case_submit(actor=citizen, kind=Kind.PETITION, title=f"基准请愿 {uuid.uuid4().hex[:6]}",
                                     body="基准测试：确认联署。", contact_email=citizen.email, wants_public=True,
                                     category=Category.objects.filter(is_active=True).first(),
                                     region=Region.objects.filter(is_active=True).first())
    case_route(case_id=case.pk)
    publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body)
    petition = Petition.objects.get(case=case)
    run = uuid.uuid4().hex[:8]
    signatures = Signature.objects.bulk_create(
        Signature(petition=petition, name=f"联署人 {n}", email=f"s{n}.{run}@bench.example",
                  email_normalised=f"s{n}.{run}@bench.example", email_domain="bench.example")
        for n in range(count))
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as handle:
        handle.write("\n".join(confirmation_token(signature) for signature in signatures) + "\n")
    TOKEN_FILES.append(handle.name)
    return handle.name


def wrk(url: str, script: str, *, seconds: int, connections: int, timeout: int = 10, nice: int = 0) -> dict:
    """Runs wrk (at the given niceness: 19 leaves it only the CPU the server
    does not use); "output" is its whole report (a script's done() prints there)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    output = subprocess.run(
        (["nice", "-n", str(nice)] if nice else [])
        + ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", f"{timeout}s",
           "-s", handle.name, url], capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _duration(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    p50 = _duration(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    # "Latency   avg   stdev   max   +/- stdev"
    longest = _duration(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", output)
    return {"rate": rate, "p50": p50, "p99": p99, "max": longest, "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else "", "timeouts": int(timeouts.group(1)) if timeouts else 0,
            "output": output}


def _duration(text: str) -> float:
    """wrk's 1.23ms / 456.00us / 1.02s in milliseconds."""
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def headers_script(method: str = "GET", *, template: str = HEADER_SCRIPT, **headers) -> str:
    lines = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    return template % {"method": method, "headers": lines}


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_server(*, port: int = PORT, env: dict | None = None, log: str | None = None,
                 workers: int = 2) -> subprocess.Popen:
    """gunicorn, 2 sync workers (or `workers`), on 127.0.0.1:port; env is
    added to SERVER_ENV; its output goes to the file log if given."""
    # Else the readiness check below could be answered by someone else's server.
    if port_in_use(port):
        sys.exit(f"port {port} is in use: is another benchmark running?")
    env = {**os.environ, **SERVER_ENV, **(env or {})}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "bench.wsgi:application", "--workers", str(workers),
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env,
        **({"stdout": open(log, "w"), "stderr": subprocess.STDOUT} if log else {}))
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/json", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not start")


def print_rounds(runs, rounds) -> None:
    """Every round's figures beside its own ceiling's, before the medians."""
    for number, results in enumerate(rounds, 1):
        print(f"round {number}: {'measurement':34} {'req/s':>8} {'p99 ms':>8} {'ceiling':>8} "
              f"{'ratio':>6} {'ceil p99':>8} {'p99 x':>6}")
        for name, _path, _script, ceiling in runs:
            if name not in results:
                continue
            mine = results[name]
            line = f"round {number}: {name:34} {mine['rate']:8.0f} {mine['p99']:8.2f}"
            if ceiling:
                theirs = results[ceiling]
                line += (f" {theirs['rate']:8.0f} {100 * mine['rate'] / theirs['rate']:5.0f}% "
                         f"{theirs['p99']:8.2f} {mine['p99'] / theirs['p99']:6.1f}")
            print(line)


def clean_up(*, since, token_files) -> None:
    """Withdraw the cases this run submitted (they would otherwise wait for
    routing, their messages queued), drop its pending signatures, petitions,
    API tokens and token files, and empty the ceiling's insert table."""
    from accounts.models import User
    from api.models import ApiToken
    from petitions.models import Case
    from responses.services import case_withdraw
    from signatures.models import Signature

    citizen = User.objects.get(email="citizen@wenzheng.example")
    submitted = Case.objects.filter(citizen=citizen, submitted_at__gte=since, title__startswith=SUBMIT_TITLE)
    withdrawn = 0
    for case_id in submitted.values_list("pk", flat=True).iterator():
        case_withdraw(actor=citizen, case_id=case_id)
        withdrawn += 1
    pending = Signature.objects.filter(email_domain="bench.example", confirmed_at=None).delete()[0]
    tokens = ApiToken.objects.filter(name__startswith="bench ", created_at__gte=since).delete()[0]
    with connection.cursor() as cursor:
        # The list's own rows are dated in the past; the insert ceiling's now.
        cursor.execute(f"DELETE FROM {TABLE} WHERE created_at >= %s", [since])
    for name in token_files:
        Path(name).unlink(missing_ok=True)
    purged = celery_purge()
    print(f"cleaned up: {withdrawn:,} submitted cases withdrawn, {pending:,} unconfirmed signatures and "
          f"{tokens} API tokens deleted, {len(token_files)} token files removed, {purged:,} queued messages purged")


def celery_purge() -> int:
    """The routing messages of the withdrawn cases (no worker ran)."""
    from portal.celery import app

    return app.control.purge() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--signatures", type=int, default=60_000,
                        help="pending signatures made for the confirmation run (more than it can confirm)")
    parser.add_argument("--web-workers", type=int, default=2, metavar="N",
                        help="gunicorn sync workers, for the ceilings and the portal alike (docs/deploy.md: 5 on "
                             "two cores)")
    parser.add_argument("--rounds", type=int, default=1, metavar="N",
                        help="run every measurement N times, each round its ceilings first, and report the "
                             "medians (the machine's speed moves between runs; a ratio is taken within a round)")
    parser.add_argument("--only", nargs="+", metavar="WORD", default=[],
                        help="run only the measurements whose names contain one of these words (the ceilings always)")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The HTTP benchmark runs on PostgreSQL: set DATABASE_URL (and REDIS_URL).")
    from django.utils import timezone

    since = timezone.now()
    fill_ceiling_table()
    secrets = credentials()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM petitions_case")
        cases = cursor.fetchone()[0]
        # The category with the most published cases: its filter keeps the most.
        cursor.execute("SELECT category_id FROM publication_publication WHERE map_cell IS NOT NULL "
                       "GROUP BY category_id ORDER BY COUNT(*) DESC LIMIT 1")
        busiest_category = (cursor.fetchone() or [""])[0]
    base = f"http://127.0.0.1:{PORT}"
    # A returning browser: its session and the form-token cookie of an earlier page.
    official_cookies = {"Cookie": f"sessionid={secrets['session']}; csrftoken={'b' * 32}"}
    official_token = {"Authorization": f"Bearer {secrets['official']}"}
    runs = [
        ("ceiling: bare JSON view", "/bench/json", headers_script(), None),
        ("ceiling: insert one row", "/bench/insert", headers_script("POST"), None),
        ("ceiling: 50 newest of 1M rows", "/bench/list", headers_script(), None),
        ("case submission (API)", "/api/v1/cases/",
         SUBMIT_SCRIPT % {"key": secrets["citizen"], "title": SUBMIT_TITLE, **secrets},
         "ceiling: insert one row"),
        ("official's inbox page", "/inbox/", headers_script(**official_cookies), "ceiling: 50 newest of 1M rows"),
        ("official's inbox API", "/api/v1/inbox/", headers_script(**official_token),
         "ceiling: 50 newest of 1M rows"),
        ("inbox page, each URL new", "/inbox/", headers_script(template=NEW_URL_SCRIPT, **official_cookies),
         "ceiling: 50 newest of 1M rows"),
        ("inbox API, each URL new", "/api/v1/inbox/", headers_script(template=NEW_URL_SCRIPT, **official_token),
         "ceiling: 50 newest of 1M rows"),
        ("public case list", "/public/cases/", headers_script(), "ceiling: 50 newest of 1M rows"),
        ("public search 噪音", "/public/cases/?q=%E5%99%AA%E9%9F%B3", headers_script(),
         "ceiling: 50 newest of 1M rows"),
        # The public map's data: the whole city (grid counts, from the shared
        # cache) and one street (points, one index range per row of cells).
        ("public map, city", "/api/v1/map/cases/", headers_script(), "ceiling: 50 newest of 1M rows"),
        ("public map, street", "/api/v1/map/cases/?bbox=116.39,39.90,116.42,39.925", headers_script(),
         "ceiling: 50 newest of 1M rows"),
        # Filtered like the public list: the city's counts are kept five
        # minutes per filter (so this is mostly the cache; bench/maps.py
        # times a first request), a street's points are read every time.
        ("public map, city, by category", f"/api/v1/map/cases/?category={busiest_category}", headers_script(),
         "ceiling: 50 newest of 1M rows"),
        ("public map, street, by category", f"/api/v1/map/cases/?bbox=116.39,39.90,116.42,39.925"
         f"&category={busiest_category}&status=answered", headers_script(), "ceiling: 50 newest of 1M rows"),
        ("petition signature confirmed", "/", lambda: CONFIRM_SCRIPT % {
            "tokens": pending_signatures(arguments.signatures), "threads": 2, "csrf": "b" * 32},
         "ceiling: insert one row"),
    ]
    runs = [run for run in runs if run[0].startswith("ceiling") or not arguments.only
            or any(word in run[0] for word in arguments.only)]
    # A script made by a function (signatures to confirm, used up by a run)
    # is made anew for every round.
    first_scripts = {name: script() if callable(script) else script for name, _path, script, _ceiling in runs}
    server = start_server(workers=arguments.web_workers)
    rounds = []
    try:
        for number in range(arguments.rounds):
            results = {}
            for name, path, script, _ceiling in runs:
                script = first_scripts[name] if number == 0 or not callable(script) else script()
                if name in USE_UP_THEIR_DATA:
                    results[name] = wrk(base + path, script, seconds=arguments.seconds,
                                        connections=arguments.connections)
                    continue
                warm = wrk(base + path, script, seconds=2, connections=arguments.connections)  # warm up
                if warm["non_2xx"]:
                    print(f"warning: {name} answered {warm['non_2xx']} non-2xx responses while warming up")
                results[name] = wrk(base + path, script, seconds=arguments.seconds,
                                    connections=arguments.connections)
            rounds.append(results)
    finally:
        server.terminate()
        server.wait()
        clean_up(since=since, token_files=TOKEN_FILES)
    print_rounds(runs, rounds)
    print(f"{cases:,} cases; gunicorn {arguments.web_workers} sync workers; "
          f"wrk -t2 -c{arguments.connections} -d{arguments.seconds}s"
          + (f"; medians of {arguments.rounds} rounds" if arguments.rounds > 1 else ""))
    print(f"{'measurement':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  vs ceiling")
    for name, _path, _script, ceiling in runs:
        measured = [results[name] for results in rounds if name in results]
        rate, p50, p99 = (statistics.median(result[key] for result in measured) for key in ("rate", "p50", "p99"))
        versus = ""
        if ceiling:
            # Each round's ratio to its own ceiling, then their median.
            paired = [(results[name], results[ceiling]) for results in rounds if name in results]
            share = statistics.median(mine["rate"] / theirs["rate"] for mine, theirs in paired)
            slower = statistics.median(mine["p99"] / theirs["p99"] for mine, theirs in paired)
            versus = f"{100 * share:.0f} % of its throughput, p99 {slower:.1f}x"
            if len(paired) > 1:
                versus += " (rounds: " + ", ".join(f"{100 * mine['rate'] / theirs['rate']:.0f} %"
                                                   for mine, theirs in paired) + ")"
        errors = sum(result["non_2xx"] + (1 if result["socket_errors"] else 0) for result in measured)
        socket_errors = "; ".join(result["socket_errors"] for result in measured if result["socket_errors"])
        print(f"{name:34} {rate:8.0f} {p50:8.2f} {p99:8.2f} {errors:7d}  {versus}"
              + (f"  socket errors: {socket_errors}" if socket_errors else ""))


if __name__ == "__main__":
    main()
