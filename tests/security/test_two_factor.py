"""Two-factor authentication (TOTP, twofactor/): any staff account may set
up an authenticator app; supervisors and administrators must, and then
must enter a code in every session. Citizens are never asked; API tokens
are not interactive and are left alone."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.conftest import verified_login
from tests.factories import PASSWORD, UserFactory

LOGIN = "accounts:login"
SETUP = "twofactor:setup"
VERIFY = "twofactor:verify"


@pytest.fixture(autouse=True)
def _two_factor_enforced(settings):
    settings.OTP_REQUIRED_FOR_ROLES = True


def code_for(device, ahead=0):
    """The code the person's app shows now (ahead=1: the next one; a code
    is accepted only once)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):06d}"


def wrong_code_for(device):
    right = {code_for(device, ahead) for ahead in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(0, 1_000_000, 111_111) if f"{n:06d}" not in right)


def wait_out_the_throttle(device):
    """After a wrong code the device refuses every code for a while
    (django-otp doubles the wait after each failure); move that into the past."""
    from datetime import timedelta

    from django.utils import timezone

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def login(client, email, ip="203.0.113.7", next_url=None):
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse(LOGIN), data, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def admin_user(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


# --- setting up and removing a device -----------------------------------------------------


def test_staff_sets_up_totp_with_a_valid_code(client, official):
    client.force_login(official)
    page = client.get(reverse(SETUP), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    content = page.content.decode()
    assert "data:image/svg+xml;base64," in content  # the QR code
    assert "otpauth://totp/" in content
    import base64

    assert " ".join(base64.b32encode(device.bin_key).decode()[:4].split()) in content  # the key, written out
    assert client.get(reverse(SETUP)).context["secret"].replace(" ", "") == base64.b32encode(device.bin_key).decode()

    response = client.post(reverse(SETUP), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    assert "Two-factor authentication is on" in client.get(reverse(SETUP), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_reloading_the_setup_page_keeps_the_same_secret(client, official):
    client.force_login(official)
    first = client.get(reverse(SETUP)).context["secret"]
    assert client.get(reverse(SETUP)).context["secret"] == first
    assert TOTPDevice.objects.filter(user=official).count() == 1


def test_a_wrong_code_does_not_confirm_the_device(client, official):
    client.force_login(official)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=official)
    response = client.post(reverse(SETUP), {"code": wrong_code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_malformed_code_gets_a_clear_error(client, official):
    client.force_login(official)
    response = client.post(reverse(SETUP), {"code": "12ab56"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Enter the six digits" in response.content.decode()


def test_removing_the_device_needs_a_code_from_it(client, official):
    client.force_login(official)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=official)
    client.post(reverse(SETUP), {"code": code_for(device)})
    assert client.post(reverse(SETUP), {"code": wrong_code_for(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user=official, confirmed=True).exists()
    wait_out_the_throttle(device)
    response = client.post(reverse(SETUP), {"code": code_for(device, ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=official).exists()


def test_citizens_have_no_two_factor_page(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse(SETUP)).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_the_setup_page_needs_a_login(client, db):
    response = client.get(reverse(SETUP))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


# --- the code step of the login ------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(client, official):
    device = confirmed_device(official)
    response = login(client, official.email, next_url=reverse("responses:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(VERIFY))
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    assert client.get(reverse("responses:inbox"))["Location"].startswith(reverse(LOGIN))

    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    response = client.post(response["Location"], {"code": code_for(device), "next": reverse("responses:inbox")})
    assert response.status_code == 302
    assert response["Location"] == reverse("responses:inbox")
    assert client.session["_auth_user_id"] == str(official.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("responses:inbox")).status_code == 200


def test_a_wrong_code_at_login_does_not_log_in(client, official):
    device = confirmed_device(official)
    login(client, official.email)
    response = client.post(reverse(VERIFY), {"code": wrong_code_for(device)}, REMOTE_ADDR="203.0.113.7",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_toward_the_login_lockout(client, official):
    device = confirmed_device(official)
    login(client, official.email)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse(VERIFY), {"code": wrong_code_for(device)}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == (429 if attempt >= settings.AXES_FAILURE_LIMIT else 400)
    assert "_auth_user_id" not in client.session
    # Locked: even the right password is refused now, so no more codes can be tried.
    assert login(client, official.email).status_code == 429


def test_after_a_wrong_code_even_the_right_one_waits(client, official):
    device = confirmed_device(official)
    login(client, official.email)
    client.post(reverse(VERIFY), {"code": wrong_code_for(device)})
    assert client.post(reverse(VERIFY), {"code": code_for(device)}).status_code == 400
    assert "_auth_user_id" not in client.session
    wait_out_the_throttle(device)
    assert client.post(reverse(VERIFY), {"code": code_for(device)}).status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)


def test_the_verify_page_without_a_password_first_goes_to_login(client, db):
    response = client.post(reverse(VERIFY), {"code": "123456"})
    assert response.status_code == 302
    assert response["Location"] == reverse(LOGIN)


def test_a_citizen_is_never_asked_for_a_code(client, citizen):
    response = login(client, citizen.email)
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse(VERIFY))
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.get(reverse("petitions:my_cases")).status_code == 200


# --- supervisors and administrators must ----------------------------------------------------


def test_a_supervisor_without_a_device_is_sent_to_set_one_up(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(SETUP))
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "must use two-factor authentication" in page.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert client.get("/health/web").status_code in (200, 503)
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_supervisor_who_sets_up_a_device_gets_in(client, supervisor):
    client.force_login(supervisor)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=supervisor)
    dashboard = reverse("supervision:dashboard")
    response = client.post(reverse(SETUP), {"code": code_for(device), "next": dashboard})
    # First the backup codes, shown once (tests/security/test_two_factor_backup_codes.py), then on.
    assert response["Location"].startswith(reverse("twofactor:backup_codes"))
    assert f'href="{dashboard}"' in client.get(response["Location"]).content.decode()
    assert client.get(dashboard).status_code == 200


def test_a_supervisor_with_a_device_must_verify_this_session(client, supervisor):
    device = confirmed_device(supervisor)
    client.force_login(supervisor)  # e.g. a session from before the device was set up
    dashboard = reverse("supervision:dashboard")
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(VERIFY))
    client.post(reverse(VERIFY), {"code": code_for(device)})
    assert client.get(dashboard).status_code == 200


def test_a_verified_supervisor_is_not_stopped(client, supervisor):
    verified_login(client, supervisor)
    assert client.get(reverse("supervision:dashboard")).status_code == 200


def test_an_official_is_not_forced_to_set_up_a_device(client, official):
    client.force_login(official)
    assert client.get(reverse("responses:inbox")).status_code == 200


def test_the_gate_can_be_turned_off(client, supervisor, settings):
    settings.OTP_REQUIRED_FOR_ROLES = False
    client.force_login(supervisor)
    assert client.get(reverse("supervision:dashboard")).status_code == 200


def test_the_admin_requires_a_code_from_a_superuser(client, admin_user):
    # The admin's own login page hands over to the site's two-step login.
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session  # the password alone logged no one in

    login(client, admin_user.email, next_url=reverse("admin:index"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(SETUP))

    device = confirmed_device(admin_user)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse(VERIFY))
    client.post(reverse(VERIFY), {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_another_authorization_scheme_does_not_skip_the_code_for_the_api(client, supervisor):
    """Only an API token skips the session's check; a session that sends,
    say, Basic credentials is still an unverified session, and the token
    scheme without a token is refused as a token, not passed to the session.
    Generated headers: tests/security/test_two_factor_gate.py."""
    client.force_login(supervisor)
    for header in (None, "Basic eDp5"):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get("/api/v1/me/", **extra)
        assert response.status_code == 403, header
        assert response.json()["errors"][0]["code"] == "otp_required"
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_superuser_logging_in_on_the_site_is_asked_for_the_code(client, admin_user):
    device = confirmed_device(admin_user)
    response = login(client, admin_user.email, next_url=reverse("admin:index"))
    assert response["Location"].startswith(reverse(VERIFY))
    response = client.post(reverse(VERIFY), {"code": code_for(device), "next": reverse("admin:index")})
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


# --- the API -------------------------------------------------------------------------------------


def test_session_api_requests_of_a_supervisor_need_a_verified_session(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "otp_required"
    verified_login(client, supervisor)
    assert client.get(reverse("api:me")).status_code == 200


def test_token_api_requests_are_not_asked_for_a_code(supervisor):
    from api.services import token_create

    _, key = token_create(actor=supervisor, user=supervisor, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(reverse("api:me"))
    assert response.status_code == 200
    assert response.json()["email"] == supervisor.email


def test_session_api_requests_of_a_citizen_are_unaffected(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("api:me")).status_code == 200


def test_the_person_is_told_by_email_when_two_factor_is_turned_on_or_off(
    client, official, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(official)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(SETUP), {"code": code_for(device)})
    assert [message.to for message in mail.outbox] == [[official.email]]
    assert "密码" in mail.outbox[0].body  # in the site's language: "someone knows your password"
    device.refresh_from_db()
    wait_out_the_throttle(device)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(SETUP), {"code": code_for(device, ahead=1)})
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [official.email]


def test_a_right_code_during_the_wait_is_told_to_wait_and_for_how_long(client, official, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's wait after one wrong code
    device = confirmed_device(official)
    login(client, official.email)
    client.post(reverse(VERIFY), {"code": wrong_code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    page = client.post(reverse(VERIFY), {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "That code is not right" not in page
    assert re.search(r"Too many wrong codes in a row. Wait (60|59|58) seconds, then enter the code your app "
                     r"shows then.", page)
    assert "_auth_user_id" not in client.session
    page = client.post(reverse(VERIFY), {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"请等待 \d+ 秒", page)


def test_setting_up_during_the_wait_says_to_wait(client, official, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client.force_login(official)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    client.post(reverse(SETUP), {"code": wrong_code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    page = client.post(reverse(SETUP), {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Too many wrong codes in a row. Wait \d+ seconds", page)
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
