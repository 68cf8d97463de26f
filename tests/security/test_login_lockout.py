"""Login lockout (django-axes, settings AXES_*): after AXES_FAILURE_LIMIT
wrong passwords for one account from one address, that account is refused
from that address, even with the right password, for AXES_COOLOFF_TIME.
The policy keys on the pair: the same account from another address and
other accounts from the same address can still log in."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = "accounts:login"


def _login(client, email, password, ip="203.0.113.7", language="en"):
    return client.post(
        reverse(LOGIN), {"username": email, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language
    )


def _fail(client, email, times, ip="203.0.113.7"):
    for attempt in range(1, times + 1):
        response = _login(client, email, "wrong-password", ip=ip)
        # The login form again with its error, until the attempt that locks.
        assert response.status_code == (429 if attempt >= settings.AXES_FAILURE_LIMIT else 200)


def test_the_right_password_logs_in(client, citizen):
    response = _login(client, citizen.email, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(citizen.pk)


def test_too_many_failures_lock_the_account_from_that_address(client, citizen):
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, citizen.email, PASSWORD).status_code == 302  # still allowed; success resets
    client.logout()
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT - 1)
    response = _login(client, citizen.email, "wrong-password")
    assert response.status_code == 429
    response = _login(client, citizen.email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in response.content.decode()
    assert "15 minutes" in response.content.decode()


def test_changing_the_case_of_the_address_buys_no_attempts(client, citizen):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = citizen.email.upper() if attempt % 2 else citizen.email
        _login(client, email, "wrong-password")
    assert _login(client, citizen.email, PASSWORD).status_code == 429


def test_the_lockout_page_is_translated(client, citizen):
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT - 1)
    _login(client, citizen.email, "wrong-password")
    response = _login(client, citizen.email, PASSWORD, language="zh-hans")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_same_account_from_another_address_is_not_locked(client, citizen):
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT)
    assert _login(client, citizen.email, PASSWORD, ip="198.51.100.20").status_code == 302


def test_another_account_from_the_same_address_is_not_locked(client, citizen, other_citizen):
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT)
    assert _login(client, other_citizen.email, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, citizen, settings):
    _fail(client, citizen.email, settings.AXES_FAILURE_LIMIT)
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert _login(client, citizen.email, PASSWORD).status_code == 302


def test_the_admin_has_no_password_login_of_its_own(client, db):
    """The admin's login page checks no password (so it cannot be used to
    guess around the lockout): it hands over to the site's login."""
    from tests.factories import UserFactory

    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": admin.email, "password": "nope"},
                    REMOTE_ADDR="203.0.113.9")
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"username": admin.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_the_address_comes_from_the_proxy_header_when_configured(client, citizen, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse(LOGIN), {"username": citizen.email, "password": "x"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_REAL_IP="203.0.113.50")
    # Another visitor behind the same proxy is not locked out with them.
    response = client.post(reverse(LOGIN), {"username": citizen.email, "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.51")
    assert response.status_code == 302


def test_authentication_backends_start_with_the_lockout_backend():
    from axes.backends import AxesStandaloneBackend
    from django.utils.module_loading import import_string

    assert issubclass(import_string(settings.AUTHENTICATION_BACKENDS[0]), AxesStandaloneBackend)


@pytest.mark.parametrize("email_case", [str.lower])
def test_the_test_clients_login_still_works(client, citizen, email_case):
    assert client.login(username=email_case(citizen.email), password=PASSWORD)


def test_a_forwarded_chain_counts_the_address_our_proxy_added(rf, settings):
    """A client can prepend anything to X-Forwarded-For; only the last entry,
    added by our own proxy, is trusted (lockouts and API limits alike)."""
    from api.throttling import ApiAnonThrottle
    from portal.security import client_ip

    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "198.51.100.7"
    settings.RATELIMIT_IP_META_KEY = None
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    assert ApiAnonThrottle().get_ident(request) == "10.0.0.1"  # not DRF's own X-Forwarded-For reading


def test_spelling_a_mobile_number_differently_buys_no_attempts(client, db):
    from django.utils import timezone

    from tests.factories import UserFactory

    UserFactory(phone="+8613812345678", phone_confirmed_at=timezone.now())
    spellings = ["13812345678", "138 1234 5678", "+86 138-1234-5678", "008613812345678", "+8613812345678"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, spellings[attempt % len(spellings)], "wrong-password")
    assert _login(client, "138 1234 5678", PASSWORD).status_code == 429
