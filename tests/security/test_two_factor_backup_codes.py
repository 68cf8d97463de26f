"""Backup codes (twofactor/): ten single-use codes, made when two-factor
authentication is turned on and again on request, shown once, that log a
person in without their phone. Wrong ones are throttled and locked out like
wrong codes from the app; every change is told by e-mail."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.test_two_factor import code_for, confirmed_device, login, wait_out_the_throttle, wrong_code_for

SETUP = "twofactor:setup"
VERIFY = "twofactor:verify"
BACKUP_CODES = "twofactor:backup_codes"
CODES = ["abcdefgh", "bcdefgha", "cdefghab", "defghabc", "efghabcd", "fghabcde", "ghabcdef", "habcdefg",
         "ijklmnop", "jklmnopi"]


@pytest.fixture(autouse=True)
def _two_factor_enforced(settings):
    settings.OTP_REQUIRED_FOR_ROLES = True


def backup_codes(user, codes=CODES):
    """A backup-code device with known codes, as if made earlier."""
    device = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return device


def codes_left(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def wait_out_the_backup_throttle(user):
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def turn_on(client, user, next_url=None):
    """Sets up the app on the two-factor page; returns the device and the
    answer to the confirming POST."""
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    data = {"code": code_for(device)}
    if next_url:
        data["next"] = next_url
    return device, client.post(reverse(SETUP), data)


def verify(client, code):
    return client.post(reverse(VERIFY), {"code": code}, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")


# --- made and shown once -----------------------------------------------------------------------------


def test_turning_on_shows_ten_backup_codes_once(client, supervisor):
    client.force_login(supervisor)
    dashboard = reverse("supervision:dashboard")
    _, response = turn_on(client, supervisor, next_url=dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(BACKUP_CODES))

    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    shown = page.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert set(shown) == codes_left(supervisor)
    content = page.content.decode()
    assert all(code in content for code in shown)
    assert "shown only this once" in content
    assert f'href="{dashboard}"' in content  # then on to where they were going
    assert "no-store" in page["Cache-Control"]

    again = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert not any(code in again.content.decode() for code in shown)
    assert "You have 10 unused backup codes." in again.content.decode()
    setup = client.get(reverse(SETUP), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have 10 unused backup codes." in setup
    assert not any(code in setup for code in shown)
    assert client.get(dashboard).status_code == 200


def test_a_supervisor_without_a_device_is_sent_to_set_one_up_first(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse(BACKUP_CODES))
    assert response.status_code == 302 and response["Location"] == reverse(SETUP)
    assert not StaticDevice.objects.exists()


def test_citizens_have_no_backup_codes_page(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse(BACKUP_CODES)).status_code == 404
    assert client.post(reverse(BACKUP_CODES), {"code": "123456"}).status_code == 404


# --- logging in with one ----------------------------------------------------------------------------


def test_a_backup_code_logs_in_once(client, supervisor):
    confirmed_device(supervisor)
    backup = backup_codes(supervisor)
    dashboard = reverse("supervision:dashboard")
    login(client, supervisor.email, next_url=dashboard)
    response = client.post(reverse(VERIFY), {"code": "ABCD-efgh", "next": dashboard},  # typed as people copy it
                           REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == dashboard
    assert client.session["_auth_user_id"] == str(supervisor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == backup.persistent_id
    page = client.get(dashboard, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "You have 9 backup codes left." in page.content.decode()
    assert "abcdefgh" not in codes_left(supervisor)

    client.post(reverse("accounts:logout"))
    login(client, supervisor.email)
    response = verify(client, "abcdefgh")
    assert response.status_code == 400
    assert "has been used already" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert len(codes_left(supervisor)) == 9


def test_a_backup_code_of_someone_else_does_not_log_in(client, supervisor, official):
    confirmed_device(supervisor)
    confirmed_device(official)
    backup_codes(official)
    login(client, supervisor.email)
    assert verify(client, "abcdefgh").status_code == 400
    assert "_auth_user_id" not in client.session
    assert len(codes_left(official)) == 10


def test_when_few_codes_are_left_the_login_asks_for_new_ones(client, supervisor):
    confirmed_device(supervisor)
    backup_codes(supervisor, CODES[:4])
    dashboard = reverse("supervision:dashboard")
    login(client, supervisor.email, next_url=dashboard)
    response = client.post(reverse(VERIFY), {"code": "abcdefgh", "next": dashboard}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(BACKUP_CODES))
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()
    assert "You have only 3 unused backup codes left. Make new backup codes now" in content
    assert f'href="{dashboard}"' in content  # "Not now: continue"
    assert client.get(dashboard).status_code == 200  # logged in and verified all the same


def test_a_code_from_the_app_still_logs_in(client, supervisor):
    device = confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    response = verify(client, code_for(device))
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert len(codes_left(supervisor)) == 10


def test_a_malformed_code_at_login_gets_a_clear_error(client, supervisor):
    confirmed_device(supervisor)
    login(client, supervisor.email)
    response = verify(client, "abc!")
    assert response.status_code == 400
    assert "or a backup code of eight letters and digits" in response.content.decode()


# --- wrong codes ---------------------------------------------------------------------------------------


def test_after_a_wrong_backup_code_even_the_right_one_waits(client, supervisor):
    confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    assert verify(client, "zzzzzzzz").status_code == 400
    assert verify(client, "abcdefgh").status_code == 400  # throttled: refused, and not used up
    assert "_auth_user_id" not in client.session
    assert "abcdefgh" in codes_left(supervisor)
    wait_out_the_backup_throttle(supervisor)
    assert verify(client, "abcdefgh").status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)


def test_wrong_backup_codes_count_toward_the_login_lockout(client, supervisor):
    confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        wait_out_the_backup_throttle(supervisor)  # the lockout counts, whatever the throttle
        response = verify(client, f"zzzzzzz{'234567'[attempt % 6]}")
        assert response.status_code == (429 if attempt >= settings.AXES_FAILURE_LIMIT else 400)
    assert "_auth_user_id" not in client.session
    # Locked: the right password is refused now, and so no code can be tried.
    assert login(client, supervisor.email).status_code == 429
    assert len(codes_left(supervisor)) == 10


# --- new codes ---------------------------------------------------------------------------------------


def test_new_backup_codes_replace_the_old_ones(client, supervisor):
    client.force_login(supervisor)
    device, response = turn_on(client, supervisor)
    old = client.get(response["Location"]).context["codes"]

    page = client.get(reverse(BACKUP_CODES), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Make new backup codes" in page.content.decode()
    response = client.post(reverse(BACKUP_CODES), {"code": code_for(device, ahead=1)})
    assert response.status_code == 302 and response["Location"].startswith(reverse(BACKUP_CODES))
    new = client.get(response["Location"]).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert codes_left(supervisor) == set(new)
    assert StaticDevice.objects.filter(user=supervisor).count() == 1

    client.post(reverse("accounts:logout"))
    login(client, supervisor.email)
    assert verify(client, old[0]).status_code == 400
    wait_out_the_backup_throttle(supervisor)
    assert verify(client, new[0]).status_code == 302


def test_new_backup_codes_need_a_right_code(client, supervisor):
    device = confirmed_device(supervisor)
    backup_codes(supervisor)
    client.force_login(supervisor)
    response = client.post(reverse(BACKUP_CODES), {"code": "zzzzzzzz"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "That backup code is not right" in response.content.decode()
    assert codes_left(supervisor) == set(CODES)
    wait_out_the_throttle(device)
    response = client.post(reverse(BACKUP_CODES), {"code": wrong_code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert codes_left(supervisor) == set(CODES)


def test_a_session_verified_by_a_backup_code_stays_verified_after_new_codes(client, supervisor):
    """Someone who lost their phone logs in with a backup code and makes a
    new set with another: they are not thrown out by their own new codes."""
    confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    verify(client, "abcdefgh")
    response = client.post(reverse(BACKUP_CODES), {"code": "bcdefgha"})
    assert response.status_code == 302
    assert len(client.get(response["Location"]).context["codes"]) == 10
    assert client.get(reverse("supervision:dashboard")).status_code == 200


# --- turning it off --------------------------------------------------------------------------------------


def test_turning_off_removes_the_backup_codes(client, official):
    client.force_login(official)
    device, _ = turn_on(client, official)
    assert len(codes_left(official)) == 10
    wait_out_the_throttle(device)
    response = client.post(reverse(SETUP), {"code": code_for(device, ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert not StaticDevice.objects.filter(user=official).exists()
    assert not StaticToken.objects.exists()


def test_a_lost_phone_can_be_replaced_with_a_backup_code(client, supervisor):
    confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    verify(client, "abcdefgh")
    response = client.post(reverse(SETUP), {"code": "bcdefgha"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    # A supervisor must have a device: the next page is the set-up of the new phone.
    assert client.get(reverse("supervision:dashboard"))["Location"].startswith(reverse(SETUP))


# --- e-mails -------------------------------------------------------------------------------------------


@pytest.fixture
def english_mail(settings):
    settings.LANGUAGE_CODE = "en"  # e-mails are written in the site's language


def test_the_person_is_told_by_email_of_new_codes_and_of_a_login_with_one(
    client, supervisor, english_mail, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        device, response = turn_on(client, supervisor)
    assert len(mail.outbox) == 1  # turning on (with its first codes): one e-mail
    assert mail.outbox[0].subject == "Two-factor authentication was turned on for your account"
    codes = client.get(response["Location"]).context["codes"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(BACKUP_CODES), {"code": code_for(device, ahead=1)})
    codes = client.get(response["Location"]).context["codes"]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [supervisor.email]
    assert mail.outbox[1].subject == "New backup codes were made for your account"
    assert "The old backup codes no longer work." in mail.outbox[1].body
    assert not any(code in mail.outbox[1].body for code in codes)  # never the codes themselves

    client.post(reverse("accounts:logout"))
    login(client, supervisor.email)
    with django_capture_on_commit_callbacks(execute=True):
        verify(client, codes[0])
    assert len(mail.outbox) == 3
    assert mail.outbox[2].to == [supervisor.email]
    assert mail.outbox[2].subject == "A backup code was used to log in to your account"
    assert "9 backup codes are left" in mail.outbox[2].body

    client.post(reverse("accounts:logout"))
    login(client, supervisor.email)
    with django_capture_on_commit_callbacks(execute=True):
        verify(client, code_for(device, ahead=1))
    assert len(mail.outbox) == 3  # a code from the app is the usual login: no e-mail


def test_no_email_for_a_wrong_backup_code(client, supervisor, django_capture_on_commit_callbacks):
    confirmed_device(supervisor)
    backup_codes(supervisor)
    login(client, supervisor.email)
    with django_capture_on_commit_callbacks(execute=True):
        verify(client, "zzzzzzzz")
    assert mail.outbox == []


def test_the_password_alone_still_does_not_log_in(client, supervisor):
    """Backup codes are a second factor, not a way around the first."""
    confirmed_device(supervisor)
    backup_codes(supervisor)
    response = client.post(reverse("accounts:login"), {"username": supervisor.email, "password": "wrong"},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert verify(client, "abcdefgh")["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert len(codes_left(supervisor)) == 10
