"""Sessions are Django's cached_db sessions and logins Django's
ModelBackend: a login lasts while the cache forgets it, and sessions that
named the portal's former backend keep their person logged in."""

import importlib

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

MY_CASES = "petitions:my_cases"


def test_a_login_lasts_even_when_the_cache_loses_the_session(client, citizen, password):
    response = client.post(reverse("accounts:login"), {"username": citizen.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(reverse(MY_CASES)).status_code == 200
    cache.clear()  # a Redis restart: the session is read from the database again
    assert client.get(reverse(MY_CASES)).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse(MY_CASES)).status_code == 302


def test_sessions_made_under_the_former_backend_stay_logged_in(client, citizen):
    migration = importlib.import_module("accounts.migrations.0005_sessions_under_model_backend")
    old = SessionStore()
    old.update({"_auth_user_id": str(citizen.pk), "_auth_user_backend": migration.OLD,
                "_auth_user_hash": citizen.get_session_auth_hash()})
    old.create()
    pending = SessionStore()
    pending["twofactor_pending"] = {"user": citizen.pk, "backend": migration.OLD, "at": 0}
    pending.create()
    client.cookies["sessionid"] = old.session_key
    assert client.get(reverse(MY_CASES)).status_code == 302  # a backend no longer configured: logged out

    migration.rename_backend(apps, None)

    assert client.get(reverse(MY_CASES)).status_code == 200
    assert SessionStore(pending.session_key)["twofactor_pending"]["backend"] == migration.NEW
