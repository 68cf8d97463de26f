"""manage.py runportal: the web server, a Celery worker and Celery beat,
started together and stopped together (Ctrl+C), for the embedded default
and for trying the portal on PostgreSQL and Redis. Production runs the
three as separate services instead (see docs/deploy.md)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together."

    def add_arguments(self, parser):
        parser.add_argument("--address", default=os.environ.get("WENZHENG_ADDRESS", "127.0.0.1:8000"))

    def handle(self, *args, address, **options):
        python = sys.executable
        embedded = not settings.REDIS_URL
        # One worker consumes every queue here; production gives queues their own.
        worker = [python, "-m", "celery", "-A", "portal", "worker", "--loglevel", "INFO",
                  "--hostname", "wenzheng-worker@%h", "-Q", ",".join(settings.CELERY_WORKER_QUEUES)]
        if embedded:
            # One process writes to SQLite at a time anyway.
            worker += ["--concurrency", "1"]
        commands = {
            "worker": worker,
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel", "INFO"],
            "web": [python, "manage.py", "runserver", address, "--noreload"],
        }
        processes = {name: subprocess.Popen(command, cwd=settings.BASE_DIR) for name, command in commands.items()}
        self._announce(address, embedded)
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the portal.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _announce(self, address, embedded):
        backend = "SQLite + file-system broker (embedded)" if embedded else "PostgreSQL/Redis from the environment"
        lines = [
            "",
            f"Wenzheng is starting at http://{address}/  ({backend})",
            f"Demo accounts (password for each: {DEMO_PASSWORD}):",
            *[f"  {email:32} {role}" for email, _name, role, *_rest in ACCOUNTS],
            "Sent e-mail is written to var/mail/ unless EMAIL_HOST is set. Stop with Ctrl+C.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
