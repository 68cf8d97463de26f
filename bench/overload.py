"""Overload (issue 7): far more requests than the portal can serve must be
answered 503 (or 429) with Retry-After, never left to hang or turned into
a 502 or 504 by the proxy; and the portal should go on serving about as
many requests as it can, turning only the excess away, cheaply.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/overload.py --connections 300 --seconds 20

nginx (Debian's package) runs in the foreground with docs/nginx.conf.example,
the proxy configuration docs/deploy.md gives (it stamps X-Request-Start,
which portal/overload.py reads, and caps the requests in flight to
gunicorn with limit_conn), adapted to a temporary folder and local ports,
in front of gunicorn with 2 sync workers, OVERLOAD_QUEUE_LIMIT_MS and
DB_STATEMENT_TIMEOUT_MS set. wrk then drives a heavy page and the
submission API, each with many more connections than there are workers,
once for each --caps value (0: the limit_conn lines taken out, so every
request queues at gunicorn), and a Lua script tallies the statuses and
checks that every 503 and 429 carries Retry-After (and every 503 the busy
message). wrk runs at nice 19, leaving the server the CPU it needs, as
clients on other machines would; a connection turned away asks again at
once, or after --pause-after-shed-ms. nginx's access log
tells which 503s nginx gave (no upstream) and how long the served
requests took; gunicorn's log, how many it turned away after they queued
too long. Met only with no 502 or 504, no other 5xx, no wrk timeout, and
Retry-After on every shed response, in every run. The submissions stay in
the database, unrouted (no Celery worker runs; their routing messages are
dropped at the end). Run by hand; never by the tests."""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402

from bench.web import PORT, SUBMIT_SCRIPT, credentials, headers_script, port_in_use, start_server, wrk  # noqa: E402
from bench.worker import redis_client  # noqa: E402
from petitions.models import Case  # noqa: E402
from portal.queues import WORKER_QUEUES  # noqa: E402

PROXY_PORT = PORT + 1

WORKERS = 2  # bench.web.start_server's gunicorn
SITE_CONF = Path(__file__).resolve().parent.parent / "docs" / "nginx.conf.example"

# What a foreground nginx needs to run from a temporary folder, around the
# site's configuration (docs/nginx.conf.example, adapted by site_conf()).
NGINX_CONF = """
daemon off;
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 4096; }
http {
    log_format bench '$status $upstream_status $request_time "$request"';
    access_log %(dir)s/access.log bench;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
%(site)s
}
"""


def site_conf(*, port: int, upstream: int, cap: int) -> str:
    """docs/nginx.conf.example listening on 127.0.0.1:port without TLS, for
    gunicorn on upstream, with limit_conn set to cap (0: no limit_conn)."""
    text = SITE_CONF.read_text()
    for pattern, replacement, expected in (
            (r"^(\s*)listen 443 ssl;", rf"\g<1>listen 127.0.0.1:{port};", "one"),
            (r"^(\s*)server 127\.0\.0\.1:8000;", rf"\g<1>server 127.0.0.1:{upstream};", "one"),
            (r"^(\s*)limit_conn wenzheng \d+;\n", rf"\g<1>limit_conn wenzheng {cap};\n" if cap else "", "some")):
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if count == 0 or (expected == "one" and count > 1):
            sys.exit(f"{SITE_CONF}: expected {expected} line matching {pattern!r}, found {count}: "
                     "adapt bench/overload.py's site_conf() to it")
    return text


# Appended to a wrk script: a tally of statuses, of shed responses without
# Retry-After and of 503s without the busy message (busy_marker, set before
# it: nginx's and Django's answers both have it), per wrk thread, summed
# and printed by done(); and a client's pause after being turned away.
TALLY_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
missing_retry_after = 0
not_busy = 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 or status == 429 then
    local found = false
    for name, _ in pairs(headers) do
      if string.lower(name) == "retry-after" then found = true end
    end
    if not found then missing_retry_after = missing_retry_after + 1 end
  end
  if status == 503 and not string.find(body or "", busy_marker, 1, true) then not_busy = not_busy + 1 end
  shed = status == 503 or status == 429
end
-- Called for the same connection right after response(): a client turned
-- away waits pause_after_shed ms (set before this script) before its next request.
function delay()
  if shed then return pause_after_shed end
  return 0
end
function done(summary, latency, requests)
  local total, missing, other = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
    missing = missing + thread:get("missing_retry_after")
    other = other + thread:get("not_busy")
  end
  for status, count in pairs(total) do io.write(string.format("STATUS %d %d\\n", status, count)) end
  io.write(string.format("MISSING_RETRY_AFTER %d\\n", missing))
  io.write(string.format("NOT_BUSY %d\\n", other))
end
"""


def start_nginx(folder: str, upstream: int, cap: int) -> subprocess.Popen:
    if not shutil.which("nginx"):
        sys.exit("nginx is missing: apt-get install -y nginx")
    if port_in_use(PROXY_PORT):
        sys.exit(f"port {PROXY_PORT} is in use: is another benchmark running?")
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)  # nginx's workers run as nobody when started by root
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(NGINX_CONF % {"dir": folder, "site": site_conf(port=PROXY_PORT, upstream=upstream, cap=cap)})
    process = subprocess.Popen(["nginx", "-c", conf, "-p", folder, "-e", os.path.join(folder, "error.log")])
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PROXY_PORT}/health/web", timeout=5)
            return process
        except urllib.error.HTTPError as error:
            process.terminate()
            sys.exit(f"/health/web through nginx answered {error.code}")
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"nginx did not start: see {folder}/error.log")


def tally(output: str) -> tuple[dict, int, int]:
    statuses = {int(status): int(count) for status, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M)}
    return (statuses, int(re.search(r"^MISSING_RETRY_AFTER (\d+)$", output, re.M).group(1)),
            int(re.search(r"^NOT_BUSY (\d+)$", output, re.M).group(1)))


def proxy_tally(access_log: str) -> dict:
    """From nginx's access log: the 503s nginx gave itself (no upstream
    contacted) and the response times of the requests served (2xx)."""
    shed, served = 0, []
    with open(access_log) as handle:
        for line in handle:
            status, upstream, seconds = line.split(" ", 3)[:3]
            if status == "503" and upstream == "-":
                shed += 1
            elif status.startswith("2"):
                served.append(float(seconds) * 1000)
    served.sort()
    return {"shed": shed, "served_p50": percentile(served, 50), "served_p99": percentile(served, 99)}


def percentile(ordered: list, percent: int) -> float:
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)] if ordered else math.nan


def gunicorn_tally(log: str, start: int) -> dict:
    """Requests gunicorn turned away, from its log after offset start: two
    lines per 503, Django's error and ours."""
    with open(log, "rb") as handle:
        handle.seek(start)
        reasons = re.findall(r"503 busy \((queued|statement timeout)", handle.read().decode(errors="replace"))
    return {"queued": reasons.count("queued"), "statement timeout": reasons.count("statement timeout")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--caps", default=f"0,{2 * WORKERS}",
                        help="nginx's limit_conn for the requests in flight to gunicorn, one run of each load per "
                             f"value, comma-separated; 0: no limit (default: 0,{2 * WORKERS}, i.e. 2 x the workers)")
    parser.add_argument("--wrk-nice", type=int, default=19,
                        help="wrk's niceness: on one machine with the server, wrk at full speed takes the CPU "
                             "gunicorn would serve with, answered at once by nginx's 503s (default: 19, wrk gets "
                             "what the server leaves, as if the clients were elsewhere; 0 to compete)")
    parser.add_argument("--pause-after-shed-ms", type=int, default=0,
                        help="each wrk connection turned away (503, 429) waits this long before its next request, "
                             "as a client backing off would (default: 0, it asks again at once)")
    parser.add_argument("--queue-limit-ms", type=int, default=500, help="OVERLOAD_QUEUE_LIMIT_MS")
    parser.add_argument("--statement-timeout-ms", type=int, default=10000, help="DB_STATEMENT_TIMEOUT_MS")
    parser.add_argument("--timeout", type=int, help="wrk's: a request unanswered this long counts as a hang "
                        "(seconds; default: the queue limit plus the statement timeout plus 5 s)")
    arguments = parser.parse_args()
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        sys.exit("The overload benchmark runs on PostgreSQL and Redis: set DATABASE_URL and REDIS_URL.")
    caps = [int(cap) for cap in arguments.caps.split(",")]
    timeout = arguments.timeout or math.ceil((arguments.queue_limit_ms + arguments.statement_timeout_ms) / 1000) + 5
    secrets = credentials()
    cases = Case.objects.count()
    loads = [  # busy_marker: the busy page's heading (in Chinese: wrk sends no Accept-Language), the API's code
        ("public search 噪音", "/public/cases/?q=%E5%99%AA%E9%9F%B3",
         headers_script() + 'busy_marker = "平台当前繁忙"\n'),
        ("case submission (API)", "/api/v1/cases/",
         SUBMIT_SCRIPT % {"key": secrets["citizen"], **secrets} + "busy_marker = '\"busy\"'\n"),
    ]
    runs = [(name, path, script, cap) for name, path, script in loads for cap in caps]
    folder = tempfile.mkdtemp(prefix="bench-overload-")
    server_log = os.path.join(folder, "gunicorn.log")
    server = start_server(env={"OVERLOAD_QUEUE_LIMIT_MS": str(arguments.queue_limit_ms),
                               "DB_STATEMENT_TIMEOUT_MS": str(arguments.statement_timeout_ms)}, log=server_log)
    results = {}
    try:
        for number, (_name, path, script, cap) in enumerate(runs, 1):
            run_folder = os.path.join(folder, f"run{number}")  # nginx's configuration and logs for this run
            proxy = start_nginx(run_folder, PORT, cap)
            start = os.path.getsize(server_log)
            try:
                client = f"pause_after_shed = {arguments.pause_after_shed_ms}\n" + TALLY_SCRIPT
                result = wrk(f"http://127.0.0.1:{PROXY_PORT}{path}", script + client,
                             seconds=arguments.seconds, connections=arguments.connections, timeout=timeout,
                             nice=arguments.wrk_nice)
                time.sleep(3)  # let gunicorn drain what wrk left queued
            finally:
                proxy.terminate()
                proxy.wait()
            results[number] = {**result, "proxy": proxy_tally(os.path.join(run_folder, "access.log")),
                               "server": gunicorn_tally(server_log, start)}
    finally:
        server.terminate()
        server.wait()
        redis_client().delete(*WORKER_QUEUES)  # the submissions' routing messages: no worker runs here

    print(f"{cases:,} cases; nginx (docs/nginx.conf.example) -> gunicorn {WORKERS} sync workers; "
          f"OVERLOAD_QUEUE_LIMIT_MS={arguments.queue_limit_ms}, "
          f"DB_STATEMENT_TIMEOUT_MS={arguments.statement_timeout_ms}; "
          f"nice -n {arguments.wrk_nice} wrk -t2 -c{arguments.connections} -d{arguments.seconds}s --timeout {timeout}s"
          + (f", {arguments.pause_after_shed_ms} ms pause after a 503 or 429" if arguments.pause_after_shed_ms else ""))
    columns = ("2xx", "429", "503", "502", "504", "other")
    print(f"{'load':24} {'cap':>4} {'requests':>8} {'req/s':>7} {'2xx/s':>6} "
          + " ".join(f"{column:>6}" for column in columns)
          + f" {'no R-A':>6} {'timeouts':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    failures = []
    for number, (name, _path, _script, cap) in enumerate(runs, 1):
        result = results[number]
        statuses, missing, not_busy = tally(result["output"])
        counts = {"2xx": sum(count for status, count in statuses.items() if 200 <= status < 300),
                  **{column: statuses.get(int(column), 0) for column in ("429", "503", "502", "504")}}
        counts["other"] = sum(statuses.values()) - sum(counts.values())
        result["2xx/s"] = counts["2xx"] / arguments.seconds
        print(f"{name:24} {cap or '-':>4} {sum(statuses.values()):8d} {result['rate']:7.0f} {result['2xx/s']:6.1f} "
              + " ".join(f"{counts[column]:6d}" for column in columns)
              + f" {missing:6d} {result['timeouts']:8d} {result['p50']:7.0f} {result['p99']:7.0f} {result['max']:7.0f}"
              + (f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else ""))
        other = {status: count for status, count in statuses.items()
                 if not 200 <= status < 300 and status not in (429, 503)}
        label = f"{name}, cap {cap or 'none'}"
        if other:
            failures.append(f"{label}: answered {other}")
        if result["timeouts"]:
            failures.append(f"{label}: {result['timeouts']} requests unanswered after {timeout} s")
        if missing:
            failures.append(f"{label}: {missing} shed responses without Retry-After")
        if not_busy:
            failures.append(f"{label}: {not_busy} 503s without the busy message")
    print("(cap: nginx's limit_conn, - for none; 2xx/s: requests served in full; no R-A: 503 or 429 without "
          "Retry-After (every 503 must also carry the busy message); timeouts: wrk's, requests unanswered "
          "after --timeout; p50, p99, max: of all responses)")
    print()
    print(f"{'served, and who shed':24} {'cap':>4} {'2xx/s':>6} {'2xx p50':>8} {'2xx p99':>8} "
          f"{'nginx':>7} {'queued':>7} {'stmt':>5}")
    for number, (name, _path, _script, cap) in enumerate(runs, 1):
        result = results[number]
        print(f"{name:24} {cap or '-':>4} {result['2xx/s']:6.1f} {result['proxy']['served_p50']:8.0f} "
              f"{result['proxy']['served_p99']:8.0f} {result['proxy']['shed']:7d} {result['server']['queued']:7d} "
              f"{result['server']['statement timeout']:5d}")
    print("(2xx p50, p99: ms, nginx's request time of the requests served; nginx: 503s nginx gave at its cap, "
          f"never reaching gunicorn; queued: 503s gunicorn gave after a wait over {arguments.queue_limit_ms} ms; "
          "stmt: 503s after a statement timeout; nginx's and gunicorn's counts include requests wrk left "
          "unfinished)")
    print("target (issue 7): overload gives 503 or 429 with Retry-After, never a hang or a 502: "
          + ("met" if not failures else "not met\n  " + "\n  ".join(failures)
             + f"\n  logs: {folder}/run*/error.log, run*/access.log (nginx), gunicorn.log"))
    if not failures:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
