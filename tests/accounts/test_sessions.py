"""accounts.sessions: Django's database sessions, read with compiled SQL,
behave as Django's own backend: a live session logs its person in, an
expired or unknown one does not, and a new one is made in its place."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_in_one_query(client, citizen, django_assert_num_queries):
    client.force_login(citizen)
    key = client.session.session_key
    store = SessionStore(key)
    with django_assert_num_queries(1):
        assert int(store["_auth_user_id"]) == citizen.pk
    assert client.get(reverse("petitions:my_cases")).status_code == 200


def test_an_expired_session_logs_no_one_in(client, citizen):
    client.force_login(citizen)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    store = SessionStore(key)
    assert "_auth_user_id" not in store and store.session_key is None
    response = client.get(reverse("petitions:my_cases"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_unknown_session_key_gets_a_new_session():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {} and store.session_key is None
    store["seen"] = True
    store.save()
    assert store.session_key != "x" * 32 and SessionStore(store.session_key)["seen"] is True
