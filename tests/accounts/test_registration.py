"""Registration tells no one whether an address has an account, and is
rate limited per client and per address, in the shared cache."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from accounts.models import User
from tests.accounts.support import NEW_PASSWORD, links_in, mails_to, register
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def without_form_token(content: bytes) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_taken_address_gets_the_same_answer_as_a_free_one(capture, client, citizen, language):
    taken = register(capture, client, citizen.email.upper(), HTTP_ACCEPT_LANGUAGE=language)
    free = register(capture, client, "nobody.yet@example.org", HTTP_ACCEPT_LANGUAGE=language)

    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"] == reverse("accounts:register_done")
    assert without_form_token(client.get(taken["Location"], HTTP_ACCEPT_LANGUAGE=language).content) == \
        without_form_token(client.get(free["Location"], HTTP_ACCEPT_LANGUAGE=language).content)
    # Neither logged anyone in.
    assert client.get(reverse("petitions:my_cases"))["Location"].startswith(reverse("accounts:login"))


def test_the_owner_of_a_taken_address_is_told_someone_tried(capture, client, citizen):
    citizen.language = "en"
    citizen.save(update_fields=["language"])
    register(capture, client, citizen.email, password="a-different-pass-phrase-7")

    assert User.objects.filter(email__iexact=citizen.email).count() == 1
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)  # nothing changed on the account
    [notice] = mails_to(citizen.email)
    assert notice.subject == "Someone tried to register your e-mail address on Wenzheng"
    assert reverse("accounts:password_reset") in links_in(notice)
    assert "confirm" not in " ".join(links_in(notice))


def test_a_free_address_gets_its_confirmation_link_in_the_language_used(capture, client):
    register(capture, client, "new.person@example.org", HTTP_ACCEPT_LANGUAGE="en")
    [message] = mails_to("new.person@example.org")
    assert message.subject == "Confirm your e-mail address for Wenzheng"
    assert any(link.startswith(reverse("accounts:confirm_email_resend")) for link in links_in(message))
    register(capture, client, "xin.shimin@example.org", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert mails_to("xin.shimin@example.org")[0].subject == "确认您在问政的电子邮箱地址"


class CountingHasher(MD5PasswordHasher):
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def test_registering_a_taken_address_costs_a_password_hash_as_a_free_one_does(capture, client, citizen, settings):
    """The time of the answer does not tell either: both hash the password."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = 0
    register(capture, client, citizen.email)
    taken = CountingHasher.hashed
    register(capture, client, "free@example.org")
    assert taken == CountingHasher.hashed - taken == 1


@pytest.mark.parametrize("language, words", [("zh-hans", "尝试次数过多"), ("en", "Too many attempts")])
def test_registrations_from_one_client_are_limited(capture, client, settings, language, words):
    settings.ACCOUNT_MAIL_RATE_PER_CLIENT = "20/h"
    codes = [register(capture, client, f"person{n}@example.org", HTTP_ACCEPT_LANGUAGE=language).status_code
             for n in range(25)]
    assert codes == [302] * 20 + [429] * 5
    response = register(capture, client, "one.more@example.org", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429 and words in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert User.objects.count() == 20
    assert not mails_to("one.more@example.org")


def test_registrations_of_one_address_are_limited_whoever_asks(capture, client, citizen, settings):
    """Per address, across clients: no one fills a stranger's mailbox."""
    settings.ACCOUNT_MAIL_RATE_PER_ADDRESS = "5/h"
    codes = [register(capture, client, citizen.email, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(7)]
    assert codes == [302] * 5 + [429] * 2
    assert len(mails_to(citizen.email)) == 5


def test_the_limits_are_counted_in_the_shared_cache(capture, client, settings):
    settings.ACCOUNT_MAIL_RATE_PER_CLIENT = "2/h"
    assert [register(capture, client, f"p{n}@example.org").status_code for n in range(3)] == [302, 302, 429]
    cache.clear()  # every web process counts in this cache, not in its own memory
    assert register(capture, client, "p9@example.org").status_code == 302


def test_an_invalid_form_sends_nothing_and_says_nothing_of_the_address(client, citizen):
    response = client.post(reverse("accounts:register"),
                           {"email": citizen.email, "password1": NEW_PASSWORD, "password2": "different-42-phrase"},
                           HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200 and "The two passwords differ." in content
    assert "already" not in content
    assert mail.outbox == []


def test_the_register_page_links_the_password_reset(client):
    # The login page offers "Forgot your password?".
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()


SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
url, ip, count, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
client = Client(REMOTE_ADDR=ip)
password = "a-long-pass-phrase-42"
codes = [client.post(url, {"email": f"{tag}{n}@example.org", "password1": password, "password2": password}).status_code
         for n in range(count)]
print(json.dumps(codes))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"),
                    reason="needs Redis and PostgreSQL (set REDIS_URL and DATABASE_URL)")
def test_the_client_limit_is_shared_by_two_web_processes(tmp_path):
    settings_dict = connection.settings_dict
    database_url = (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST']}:"
                    f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "ALLOWED_HOSTS": "testserver",
           "WENZHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_LEVEL": "ERROR",
           "ACCOUNT_MAIL_RATE_PER_CLIENT": "10/h"}
    ip = f"10.{secrets.randbelow(255)}.{secrets.randbelow(255)}.{secrets.randbelow(255)}"  # fresh counters
    processes = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, reverse("accounts:register"), ip, "8", tag], cwd=ROOT,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in (f"first{secrets.token_hex(3)}-", f"second{secrets.token_hex(3)}-")
    ]
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        codes += json.loads(out.strip().splitlines()[-1])
    assert sorted(codes) == [302] * 10 + [429] * 6
    assert User.objects.count() == 10


def test_a_taken_address_registered_at_the_same_moment_is_answered_alike(monkeypatch):
    """Two registrations of one new address at once: the second finds the
    unique address taken when it writes, and answers as for a taken one."""
    from accounts import services

    owner = UserFactory(email="race@example.org")
    real_filter = User.objects.filter
    calls = []

    def first_lookup_misses(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", first_lookup_misses)
    assert services.user_register(email="race@example.org", password=NEW_PASSWORD) is None
    assert User.objects.filter(email="race@example.org").get() == owner
