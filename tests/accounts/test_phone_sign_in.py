"""Signing in and up with a mobile number and a texted code."""

import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PhoneCode, User
from accounts.phone_codes import phone_code_check, phone_code_send
from accounts.phones import mask_phone, normalise_mobile, normalise_phone
from notifications import sms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "+8613812345678"


def last_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1].text).group()


def ask_code(client, number="138 1234 5678"):
    return client.post(reverse("accounts:phone_sign_in"), {"phone": number})


def test_numbers_are_kept_in_one_form_however_typed():
    for typed in ("13812345678", "138-1234-5678", "+86 138 1234 5678", "008613812345678"):
        assert normalise_mobile(typed) == MOBILE
    assert normalise_mobile("+44 7911 123456") == "+447911123456"
    assert normalise_mobile("010 6552 9988") is None  # a Beijing landline takes no texts
    assert normalise_phone("010 6552 9988") == "+861065529988"
    assert normalise_mobile("12345") is None
    assert mask_phone(MOBILE) == "+86 138****5678"


def test_a_new_number_opens_a_confirmed_account_and_signs_in(client):
    response = ask_code(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:phone_code")
    assert len(sms.outbox) == 1 and sms.outbox[0].to == MOBILE and sms.outbox[0].kind == "code"
    page = client.get(reverse("accounts:phone_code")).content.decode()
    assert "+86 138****5678" in page and MOBILE not in page

    response = client.post(reverse("accounts:phone_code"), {"code": last_code()})

    assert response.status_code == 302
    user = User.objects.get(phone=MOBILE)
    assert user.phone_confirmed and user.email is None and not user.has_usable_password()
    assert client.get(reverse("petitions:my_cases")).status_code == 200


def test_a_known_number_signs_in_its_account_and_opens_no_other(client):
    owner = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    ask_code(client)
    client.post(reverse("accounts:phone_code"), {"code": last_code()})
    assert User.objects.filter(phone=MOBILE).count() == 1
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_an_unconfirmed_number_on_an_account_does_not_sign_into_it(client):
    claimant = UserFactory(phone=MOBILE)  # typed it, never confirmed it
    ask_code(client)
    client.post(reverse("accounts:phone_code"), {"code": last_code()})
    assert int(client.session["_auth_user_id"]) != claimant.pk


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(client):
    UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    known = ask_code(client, "13812345678")
    unknown = ask_code(client, "13912345678")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in sms.outbox] == [MOBILE, "+8613912345678"]


def test_a_wrong_code_is_refused_and_counts_as_a_try(client):
    ask_code(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("accounts:phone_code"), {"code": wrong})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert PhoneCode.objects.get().attempts == 1


def test_a_code_is_used_once():
    phone_code_send(phone=MOBILE, language="zh-hans")
    code = last_code()
    assert phone_code_check(phone=MOBILE, code=code)
    assert not phone_code_check(phone=MOBILE, code=code)


def test_a_code_gives_up_after_five_tries_even_the_right_one():
    phone_code_send(phone=MOBILE, language="zh-hans")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(5):
        assert not phone_code_check(phone=MOBILE, code=wrong)
    assert not phone_code_check(phone=MOBILE, code=code)


def test_a_code_expires_after_five_minutes():
    phone_code_send(phone=MOBILE, language="zh-hans")
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not phone_code_check(phone=MOBILE, code=last_code())


def test_only_the_latest_code_counts():
    phone_code_send(phone=MOBILE, language="zh-hans")
    first = last_code()
    phone_code_send(phone=MOBILE, language="zh-hans")
    if first != last_code():
        assert not phone_code_check(phone=MOBILE, code=first)
    assert phone_code_check(phone=MOBILE, code=last_code())


def test_only_a_hash_of_the_code_is_kept_and_no_log_holds_the_code_or_number(caplog):
    with caplog.at_level(logging.DEBUG):
        phone_code_send(phone=MOBILE, language="zh-hans")
    code = last_code()
    stored = PhoneCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert "+86 138****5678" in caplog.text
    assert code not in caplog.text and MOBILE not in caplog.text and "13812345678" not in caplog.text


def test_codes_to_one_number_are_limited_across_clients(client, settings):
    settings.SMS_CODE_RATE_PER_NUMBER = "2/h"
    ask_code(client)
    client.post(reverse("accounts:phone_sign_in"), {"phone": "13812345678"}, REMOTE_ADDR="10.0.0.2")
    response = client.post(reverse("accounts:phone_sign_in"), {"phone": "13812345678"}, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429 and response["Retry-After"]
    assert len(sms.outbox) == 2
    assert ask_code(client, "13912345678").status_code == 302  # another number is not held back


def test_codes_asked_by_one_client_are_limited_across_numbers(client, settings):
    settings.SMS_CODE_RATE_PER_CLIENT = "2/h"
    assert ask_code(client, "13812345678").status_code == 302
    assert ask_code(client, "13912345678").status_code == 302
    assert ask_code(client, "13712345678").status_code == 429
    assert len(sms.outbox) == 2


def test_a_password_may_be_set_and_then_signs_in_with_the_number(client):
    user = UserFactory(email=None, phone=MOBILE, phone_confirmed_at=timezone.now(), password=None)
    user.set_unusable_password()
    user.save()
    client.force_login(user, backend="accounts.backends.PhonePasswordBackend")
    new = "quiet river 4821 lantern"
    response = client.post(reverse("accounts:password_set"), {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "138 1234 5678", "password": new})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_unconfirmed_number_does_not_log_in_with_a_password(client, password):
    UserFactory(phone=MOBILE)
    response = client.post(reverse("accounts:login"), {"username": "13812345678", "password": password})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_staff_account_still_gives_its_totp_code_after_a_texted_code(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    supervisor = UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now(), roles=["supervisor"])
    TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    ask_code(client)
    response = client.post(reverse("accounts:phone_code"), {"code": last_code()})
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor:verify"))
    assert "_auth_user_id" not in client.session


def test_a_phone_account_adds_an_e_mail_address_and_confirms_it_by_link(
        client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email=None, phone=MOBILE, phone_confirmed_at=timezone.now())
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:phone_settings"),
                               {"action": "email", "email-email": "Wang@Example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "wang@example.org" and not user.email_confirmed
    assert [message.to for message in mailoutbox] == [["wang@example.org"]]
    link = re.search(r"https?://\S+/accounts/confirm/\S+/", mailoutbox[0].body).group()
    client.post(urlsplit(link).path)
    user.refresh_from_db()
    assert user.email_confirmed


def test_adding_an_address_another_account_holds_answers_the_same_and_takes_nothing(
        client, mailoutbox, citizen, django_capture_on_commit_callbacks):
    user = UserFactory(email=None, phone=MOBILE, phone_confirmed_at=timezone.now())
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("accounts:phone_settings"), {"action": "email", "email-email": citizen.email})
    assert taken.status_code == 302
    user.refresh_from_db()
    assert user.email is None
    assert [message.to for message in mailoutbox] == [[citizen.email]]  # its owner hears someone tried
