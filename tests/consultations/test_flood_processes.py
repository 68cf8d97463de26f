"""The comment flood limit is one count shared by every web process: two
processes posting from one address together get no more than the limit.
Needs PostgreSQL (the processes share the database) and Redis (the shared
cache), as tests/signatures/test_concurrency.py. Run with, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wz_cscale REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python -m pytest tests/consultations/test_flood_processes.py
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from consultations import services
from consultations.models import Comment, ConsultationSettings
from tests.consultations.conftest import TEXT
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
from accounts.models import User
consultation, user_id, ip, count = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
client = Client(REMOTE_ADDR=ip)
client.force_login(User.objects.get(pk=user_id))
codes = [client.post(f"/consultations/{consultation}/comment/", {"body": f"flood {user_id} {n}"}).status_code
         for n in range(count)]
print(json.dumps(codes))
"""


def test_the_address_limit_on_comments_is_shared_by_two_web_processes(official, head, tmp_path):
    draft = services.consultation_create(actor=official, department=official.memberships.get().department,
                                         title="停车管理办法", text=TEXT)
    consultation = services.consultation_publish(actor=head, consultation_id=draft.pk)
    config = ConsultationSettings.load()
    config.comment_rate_per_address = "10/h"
    config.save()
    authors = [UserFactory(), UserFactory()]
    settings_dict = connection.settings_dict
    database_url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
                    f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "ALLOWED_HOSTS": "testserver",
           "WENZHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_LEVEL": "ERROR"}
    ip = f"10.{secrets.randbelow(255)}.{secrets.randbelow(255)}.{secrets.randbelow(255)}"  # fresh counters
    processes = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, str(consultation.pk), str(author.pk), ip, "8"], cwd=ROOT,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for author in authors
    ]
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        codes += json.loads(out.strip().splitlines()[-1])
    assert sorted(codes) == [302] * 10 + [429] * 6
    assert Comment.objects.filter(consultation=consultation).count() == 10
