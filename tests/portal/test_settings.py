"""Settings come from the environment and fail loudly on bad values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.celery import app as celery_app
from portal.env import env_bool, env_int, env_list


def test_bad_boolean_and_integer_values_stop_start_up(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG")
    monkeypatch.setenv("DB_CONN_MAX_AGE", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("DB_CONN_MAX_AGE", 600)


def test_values_are_parsed(monkeypatch):
    monkeypatch.setenv("DEBUG", "off")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    assert env_bool("DEBUG", True) is False
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_database_connections_persist_in_web_processes_and_workers(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    # Celery's Django fix-up closes the connection after every task unless
    # this is set.
    assert celery_app.conf.get("CELERY_DB_REUSE_MAX")


def test_tasks_survive_a_worker_killed_mid_task():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


def test_every_periodic_schedule_names_a_registered_task():
    celery_app.loader.import_default_modules()
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks
