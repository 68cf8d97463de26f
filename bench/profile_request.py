"""Where a request's time goes in the Django process: runs one of
bench/web.py's requests N times through the WSGI application in this process
(no gunicorn, no network), prints the CPU and wall time per request, and with
--profile the functions that took the most CPU.

    DATABASE_URL=... .venv/bin/python bench/profile_request.py submission --requests 500 --profile 25

Requests: submission (POST /api/v1/cases/ as the demo citizen), inbox (the
official's page), inbox-api, public-list, confirm (a petition signature), and
the ceilings of bench/urls.py: ceiling-json, ceiling-insert, ceiling-list.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.web import credentials, pending_signatures  # noqa: E402 (sets the server's environment up first)


def environ(method: str, path: str, *, body: bytes = b"", headers: dict | None = None,
            content_type: str = "") -> dict:
    """A WSGI environ as gunicorn builds it for a request from 127.0.0.1."""
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type,
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def request_maker(kind: str, secrets: dict, count: int):
    """A function of the request's number that returns its environ."""
    if kind == "submission":
        def make(number):
            body = json.dumps({"kind": "complaint", "category": secrets["category"], "region": secrets["region"],
                               "title": f"夜间施工噪音扰民 {number}", "body": "凌晨两点仍在施工，噪音很大，影响休息。"},
                              ensure_ascii=False).encode()
            return environ("POST", "/api/v1/cases/", body=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {secrets['citizen']}"})
        return make
    if kind == "ceiling-insert":
        return lambda number: environ("POST", "/bench/insert")
    if kind == "confirm":
        tokens = Path(pending_signatures(count + 10)).read_text().split()
        csrf = "b" * 32

        def make(number):
            return environ("POST", f"/petitions/confirm/{tokens[number]}/",
                           body=f"csrfmiddlewaretoken={csrf}".encode(),
                           content_type="application/x-www-form-urlencoded", headers={"Cookie": f"csrftoken={csrf}"})
        return make
    paths = {"inbox": ("/inbox/", {"Cookie": f"sessionid={secrets['session']}; csrftoken={'b' * 32}"}),
             "inbox-api": ("/api/v1/inbox/", {"Authorization": f"Bearer {secrets['official']}"}),
             "public-list": ("/public/cases/", {}),
             "ceiling-list": ("/bench/list", {}), "ceiling-json": ("/bench/json", {})}
    path, headers = paths[kind]
    return lambda number: environ("GET", path, headers=headers)


def run(application, make, numbers) -> None:
    for number in numbers:
        answer(application, make(number), number)


def answer(application, request: dict, number: int) -> None:
    status = []
    body = application(request, lambda code, headers, *rest: status.append(code))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    if not status[0].startswith(("200", "201")):
        sys.exit(f"request {number} answered {status[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("request", choices=["submission", "confirm", "inbox", "inbox-api", "public-list",
                                            "ceiling-json", "ceiling-insert", "ceiling-list"])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative",
                        help="costliest by time in the function and what it calls, or in the function alone")
    arguments = parser.parse_args()
    from bench.wsgi import application

    warm = 20
    make = request_maker(arguments.request, credentials(), arguments.requests + warm)
    run(application, make, range(warm))
    # CPU time, not wall: waits on the database are not the process's cost.
    profiler = cProfile.Profile(time.process_time) if arguments.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    run(application, make, range(warm, warm + arguments.requests))
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{arguments.request}: {arguments.requests} requests, {1000 * cpu / arguments.requests:.2f} ms CPU and "
          f"{1000 * wall / arguments.requests:.2f} ms wall each" + (" (profiled)" if profiler else ""))
    if profiler:
        pstats.Stats(profiler).sort_stats(arguments.sort).print_stats(arguments.profile)


if __name__ == "__main__":
    main()
