"""Counting under a flood, on the real thing: PostgreSQL (and Redis for the
limits shared by web processes). Skipped on SQLite, which runs one writer
at a time. Run with, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wz_signatures REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python -m pytest tests/signatures/test_concurrency.py
"""

import json
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from notifications.models import Event, Notification
from signatures.models import Petition, PetitionHearing, PetitionSettings, Signature
from signatures.selectors import SignatureCriteria
from signatures.services import confirmation_token, signature_confirm, signature_start, signatures_invalidate
from supervision.models import ClockKind, SupervisionClock
from tests.signatures.conftest import publish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]


def run_in_threads(work, items, threads=12):
    """Each thread has its own database connection; all start together."""
    barrier = threading.Barrier(threads)
    errors = []
    chunks = [items[index::threads] for index in range(threads)]

    def worker(chunk):
        try:
            barrier.wait()
            for item in chunk:
                work(item)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []


def exact_count(petition):
    return Signature.objects.filter(petition=petition, invalidated_at=None).exclude(confirmed_at=None).count()


@pytest.fixture
def open_petition(petition_case, moderator, official, supervisor):
    config = PetitionSettings.load()
    config.response_threshold, config.hearing_threshold = 40, 90
    config.save()
    return publish(petition_case, moderator)


def test_a_flood_of_concurrent_signers_is_counted_exactly_and_each_threshold_acts_once(open_petition, official,
                                                                                       supervisor):
    addresses = [f"signer{n}@example.org" for n in range(120)]
    # Every mailbox signs twice at once, once spelt differently: one signature each.
    attempts = addresses + [address.replace("@", "+again@") for address in addresses]
    run_in_threads(lambda email: signature_start(petition_id=open_petition.pk, name="x", email=email), attempts)
    assert Signature.objects.filter(petition=open_petition).count() == 120
    tokens = [confirmation_token(signature) for signature in Signature.objects.filter(petition=open_petition)]
    # Each link is opened twice at once (a double click): counted once.
    run_in_threads(lambda token: signature_confirm(token=token), tokens + tokens, threads=16)
    open_petition.refresh_from_db()
    assert open_petition.confirmed_count == 120 == exact_count(open_petition)
    assert SupervisionClock.objects.filter(kind=ClockKind.PETITION_RESPONSE).count() == 1
    assert PetitionHearing.objects.count() == 1
    assert Notification.objects.filter(event=Event.PETITION_RESPONSE_DUE).count() == 1
    assert Notification.objects.filter(event=Event.PETITION_HEARING).count() == 1


def test_invalidating_during_a_flood_of_confirmations_keeps_the_count_exact(open_petition, supervisor):
    bad = [f"bot{n}@junk.test" for n in range(60)]
    good = [f"person{n}@example.org" for n in range(60)]
    for email in bad + good:
        signature_start(petition_id=open_petition.pk, name="x", email=email)
    tokens = [confirmation_token(signature) for signature in Signature.objects.filter(petition=open_petition)]

    def work(item):
        if item == "invalidate":
            signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(email_domain="junk.test"),
                                  reason="flood")
        else:
            try:
                signature_confirm(token=item)
            except Exception as error:  # an invalidated signature is refused; that is the point
                if "withdrawn" not in str(error):
                    raise

    run_in_threads(work, tokens[:30] + ["invalidate"] + tokens[30:] + ["invalidate"], threads=12)
    open_petition.refresh_from_db()
    assert open_petition.confirmed_count == exact_count(open_petition)
    signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(email_domain="junk.test"), reason="rest")
    open_petition.refresh_from_db()
    assert open_petition.confirmed_count == exact_count(open_petition) == 60


SCRIPT = """
import json, os, sys
import django
django.setup()
from django.test import Client
url, ip, count, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
client = Client(REMOTE_ADDR=ip)
codes = [client.post(url, {"name": "x", "email": f"{tag}{n}@example.org"}).status_code for n in range(count)]
print(json.dumps(codes))
"""


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")
def test_the_address_limit_is_shared_by_two_web_processes(open_petition, tmp_path):
    config = PetitionSettings.load()
    config.sign_rate_per_address = "10/h"
    config.save()
    settings_dict = connection.settings_dict
    database_url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
                    f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "ALLOWED_HOSTS": "testserver",
           "WENZHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_LEVEL": "ERROR"}
    url = reverse("signatures:detail", args=[open_petition.case.tracking_number])
    ip = f"10.{secrets.randbelow(255)}.{secrets.randbelow(255)}.{secrets.randbelow(255)}"  # fresh counters
    processes = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, url, ip, "8", tag], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in ("first", "second")
    ]
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        codes += json.loads(out.strip().splitlines()[-1])
    assert sorted(codes) == [302] * 10 + [429] * 6
    assert Signature.objects.filter(petition=open_petition).count() == 10
    assert Petition.objects.get(pk=open_petition.pk).confirmed_count == 0


def test_a_new_signature_does_not_wait_behind_a_confirmation_holding_the_petition(open_petition):
    """A confirmation locks its petition's row FOR NO KEY UPDATE; a new
    signature's insert takes FOR KEY SHARE on it (the foreign key), which
    that lock lets through: signing is not queued behind confirming. (The
    confirmation is held open in a transaction here, to see its locks while
    they are held.)"""
    from django.db import transaction

    first = signature_start(petition_id=open_petition.pk, name="x", email="first@example.org")
    locked, release = threading.Event(), threading.Event()
    errors = []

    def confirm():
        try:
            with transaction.atomic():
                assert signature_confirm(token=confirmation_token(first))[1]
                locked.set()
                release.wait(15)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=confirm)
    thread.start()
    try:
        assert locked.wait(15), "the confirmation never took its lock"
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        signature_start(petition_id=open_petition.pk, name="y", email="second@example.org")
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert errors == []
    assert Signature.objects.filter(petition=open_petition).count() == 2
    assert Petition.objects.get(pk=open_petition.pk).confirmed_count == exact_count(open_petition) == 1


def test_a_confirmation_waits_for_an_invalidation_of_its_signature_and_does_not_count_it(
        open_petition, supervisor, monkeypatch):
    """Invalidation locks the petition, then changes its signatures; a
    confirmation that comes meanwhile waits on the petition's lock (taken
    first, in the same order: no deadlock), then finds its signature
    invalidated and counts nothing."""
    from django.db import transaction

    from signatures import services

    signature = signature_start(petition_id=open_petition.pk, name="Bot", email="bot@example.net")
    token = confirmation_token(signature)
    holding, release = threading.Event(), threading.Event()
    errors = []
    real_create = services.SignatureInvalidation.objects.create

    def create_and_hold(**fields):
        invalidation = real_create(**fields)  # the petitions are locked by now
        holding.set()
        release.wait(15)
        return invalidation

    monkeypatch.setattr(services.SignatureInvalidation.objects, "create", create_and_hold)

    def invalidate():
        try:
            signatures_invalidate(actor=supervisor, criteria=SignatureCriteria(email_domain="example.net"),
                                  reason="bots")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=invalidate)
    thread.start()
    outcome = []

    def confirm():
        try:
            signature_confirm(token=token)
            outcome.append("counted")
        except Exception as error:  # noqa: BLE001 - checked below
            outcome.append(error)
        finally:
            connections.close_all()

    try:
        assert holding.wait(15), "the invalidation never locked the petition"
        confirming = threading.Thread(target=confirm)
        confirming.start()
        confirming.join(1)
        assert confirming.is_alive(), "the confirmation did not wait for the petition's lock"
    finally:
        release.set()
        thread.join()
    confirming.join(15)
    assert errors == [] and transaction.get_autocommit()
    assert len(outcome) == 1 and "withdrawn" in str(outcome[0])
    assert Petition.objects.get(pk=open_petition.pk).confirmed_count == exact_count(open_petition) == 0
    assert Signature.objects.get(pk=signature.pk).confirmed_at is None
