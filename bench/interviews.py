"""Live interview viewers: VIEWERS browsers polling the live fragment every
INTERVAL seconds (2,000 every 5 s: 400 requests a second), while the host
posts an answer every --post-every seconds (each renews the fragment), and
beside it the public case list driven at the same rate. Same gunicorn as
bench/web.py (sync workers), load from wrk at a fixed rate (its Lua delay).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/interviews.py --seconds 15

Run by hand; never by the tests."""

import argparse
import datetime
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import close_old_connections, connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.web import PORT, headers_script, start_server, wrk  # noqa: E402  (sets Django up)

# Each connection waits between its requests so that all of them together
# ask RATE times a second, as many viewers on a timer would.
PACED_SCRIPT = """
wrk.method = "GET"
%(headers)s
request = function()
  return wrk.format(nil, wrk.path)
end
delay = function()
  return %(delay_ms)d
end
"""


def live_interview(answers: int):
    """A live interview with `answers` posts so far, and its host."""
    from django.contrib.auth.models import Group

    from accounts.models import Department, User
    from accounts.roles import Role
    from interviews import services
    from petitions.models import Category, Region

    host, _created = User.objects.get_or_create(email="bench-host@bench.example", defaults={"full_name": "主持"})
    host.groups.add(Group.objects.get_or_create(name=Role.INTERVIEW_HOST.value)[0])
    now = timezone.now()
    interview = services.interview_schedule(
        actor=host, title="基准：在线访谈", department=Department.objects.filter(is_active=True).first(),
        guests="新闻发言人", starts_at=now, ends_at=now + datetime.timedelta(hours=2),
        category=Category.objects.filter(is_active=True).first(), region=Region.objects.filter(is_active=True).first())
    services.interview_start(actor=host, interview_id=interview.pk)
    for number in range(answers):
        services.answer_post(actor=host, interview_id=interview.pk, speaker="发言人",
                             body=f"第{number + 1}条答复：" + "今年将调整二十条公交线路。" * 4)
    return interview, host


def keep_posting(interview, host, every: float, stop: threading.Event) -> None:
    """The host posts while the viewers poll: each post renews the fragment."""
    from interviews import services

    number = 0
    while not stop.wait(every):
        number += 1
        services.answer_post(actor=host, interview_id=interview.pk, body=f"直播中的新答复 {number}")
    close_old_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between one viewer's polls")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64,
                        help="wrk connections carrying the viewers' polls between them")
    parser.add_argument("--answers", type=int, default=40, help="posts in the interview before the run")
    parser.add_argument("--post-every", type=float, default=10.0, help="seconds between the host's posts")
    parser.add_argument("--web-workers", type=int, default=2, metavar="N")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL (and REDIS_URL).")
    rate = arguments.viewers / arguments.interval
    delay_ms = max(int(arguments.connections / rate * 1000), 0)
    script = PACED_SCRIPT % {"headers": "", "delay_ms": delay_ms}
    interview, host = live_interview(arguments.answers)
    base = f"http://127.0.0.1:{PORT}"
    runs = [("live fragment (viewers' poll)", f"/interviews/{interview.pk}/live/"),
            ("public case list", "/public/cases/")]
    server = start_server(workers=arguments.web_workers)
    results = {}
    try:
        for name, path in runs:
            wrk(base + path, headers_script(), seconds=2, connections=4)  # warm up
            stop = threading.Event()
            poster = None
            if path.endswith("/live/"):
                poster = threading.Thread(target=keep_posting, args=(interview, host, arguments.post_every, stop))
                poster.start()
            try:
                results[name] = wrk(base + path, script, seconds=arguments.seconds,
                                    connections=arguments.connections)
            finally:
                stop.set()
                if poster is not None:
                    poster.join()
    finally:
        server.terminate()
        server.wait()
    print(f"{arguments.viewers:,} viewers every {arguments.interval:g} s = {rate:,.0f} requests/s asked; "
          f"gunicorn {arguments.web_workers} sync workers; wrk -t2 -c{arguments.connections} "
          f"-d{arguments.seconds}s, {delay_ms} ms between a connection's requests; a post every "
          f"{arguments.post_every:g} s during the live run")
    print(f"{'measurement':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for name, _path in runs:
        result = results[name]
        errors = result["non_2xx"] + result["timeouts"]
        print(f"{name:32} {result['rate']:8.0f} {result['p50']:8.1f} {result['p99']:8.1f} {result['max']:8.1f} "
              f"{errors:7d}")
    # The target: the viewers' p99 within the public list's at the same rate.
    live_p99, list_p99 = (results[name]["p99"] for name, _path in runs)
    verdict = "within" if live_p99 <= list_p99 else "ABOVE"
    print(f"live fragment p99 {live_p99:.1f} ms is {verdict} the public list's p99 {list_p99:.1f} ms "
          f"({live_p99 / list_p99 if list_p99 else float('inf'):.2f}×)")


if __name__ == "__main__":
    main()
