"""manage.py runportal: the web server, a Celery worker and Celery beat,
started together and stopped together (Ctrl+C); a child that exits is
started again (portal/supervisor.py). For the embedded default
and for trying the portal on PostgreSQL and Redis. Production runs the
three as separate services instead (see docs/deploy.md)."""

import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, demo_account_roles
from portal.supervisor import Supervisor


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
            # The server production uses (docs/deploy.md); WhiteNoise serves the static files.
            # No control socket: its one default path would be shared by every portal on the machine.
            "web": [python, "-m", "gunicorn", "portal.wsgi", "--bind", address, "--workers", "2",
                    "--timeout", "60", "--no-control-socket"],
        }
        supervisor = Supervisor(commands, cwd=str(settings.BASE_DIR))
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        # Ctrl+C reaches the children too (one process group); SIGTERM only us.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        supervisor.start()
        self._announce(address, embedded)
        try:
            while not stopping:
                supervisor.poll()
                time.sleep(0.5)
        finally:
            supervisor.stop()

    def _announce(self, address, embedded):
        backend = ("SQLite, Celery broker in a SQLite file (embedded)" if embedded
                   else "PostgreSQL/Redis from the environment")
        lines = [
            "",
            f"Wenzheng is starting at http://{address}/  ({backend})",
            f"Demo accounts (password for each: {DEMO_PASSWORD}):",
            *[f"  {email:32} {role}" for email, role in demo_account_roles()],
            "Sent e-mail is written to var/mail/ unless EMAIL_HOST is set. Stop with Ctrl+C.",
            "Texts (sign-in codes too) are written to var/sms/ unless SMS_BACKEND names a gateway.",
            "DEBUG is on: Django's debug pages." if settings.DEBUG
            else "DEBUG is off, as users meet the site (DEBUG=1 for Django's debug pages).",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
