"""A program gets an API token for a phone account through the texted code."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from notifications import sms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "+8613812345678"


def last_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1].text).group()


def ask(client, phone="13812345678"):
    return client.post(reverse("api:phone-code"), {"phone": phone}, format="json")


def test_a_phone_account_gets_a_token_with_the_texted_code_and_uses_it():
    owner = UserFactory(email=None, phone=MOBILE, phone_confirmed_at=timezone.now())
    client = APIClient()
    assert ask(client).status_code == 202
    created = client.post(reverse("api:phone-token"), {"phone": "138 1234 5678", "code": last_code(),
                                                       "name": "手机应用"}, format="json")
    assert created.status_code == 201, created.content
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Bearer {created.json()['key']}")
    me = program.get(reverse("api:me"))
    assert me.status_code == 200
    assert (me.json()["id"], me.json()["email"], me.json()["phone"]) == (owner.pk, None, MOBILE)


def test_the_answer_is_the_same_for_a_number_with_and_without_an_account():
    UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now())
    client = APIClient()
    known, unknown = ask(client), ask(client, "13912345678")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_a_wrong_code_makes_no_token_and_no_account():
    client = APIClient()
    ask(client)
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(reverse("api:phone-token"), {"phone": MOBILE, "code": wrong, "name": "x"}, format="json")
    assert response.status_code == 400
    assert not User.objects.filter(phone=MOBILE).exists()


def test_codes_asked_through_the_api_share_the_number_s_limit(settings):
    settings.SMS_CODE_RATE_PER_NUMBER = "1/h"
    client = APIClient()
    assert ask(client).status_code == 202
    response = ask(client)
    assert response.status_code == 429 and response["Retry-After"]
    assert len(sms.outbox) == 1


def test_a_staff_account_gets_no_token_by_texted_code_alone():
    UserFactory(phone=MOBILE, phone_confirmed_at=timezone.now(), roles=["supervisor"])
    client = APIClient()
    ask(client)
    response = client.post(reverse("api:phone-token"), {"phone": MOBILE, "code": last_code(), "name": "x"},
                           format="json")
    assert response.status_code == 403
