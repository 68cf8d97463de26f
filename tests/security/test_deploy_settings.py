"""Production settings come from the environment, and with the documented
production variables Django's deployment checklist finds nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# The production set documented in README.md ("Production settings").
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Vq-9xPz_2mWb7LrT4yHn8sJc1fGd6aQe0uZo5iXlYpNvRtBwKhEjMgUsDcFa",
    "ALLOWED_HOSTS": "wenzheng.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://wenzheng.example.gov.cn",
    "SITE_URL": "https://wenzheng.example.gov.cn",
    "SECURE_PROXY": "1",
    "HSTS_PRELOAD": "1",
}
_DEPLOYMENT_KEYS = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY", "HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD", "DATABASE_URL", "REDIS_URL", "LOG_FORMAT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest for their own process
}


def _manage(args, extra_env, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in _DEPLOYMENT_KEYS}
    # The portal's settings, not the suite's (tests/settings.py gives a key).
    env.update(extra_env, WENZHENG_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_documented_production_variables(tmp_path):
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    # The same check with no proxy settings fails: the test above passes
    # because of the settings, not because the check is silent.
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    # DEBUG is off unless asked for, even in the embedded default.
    assert "security.W018" not in result.stderr + result.stdout
    debug = _manage(["check", "--deploy", "--fail-level", "WARNING"], {"DEBUG": "1"}, tmp_path)
    assert "security.W018" in debug.stderr + debug.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = _manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_production_database_without_a_secret_key_refuses_to_start(tmp_path):
    result = _manage(["check"], {"DATABASE_URL": "postgres://wenzheng@127.0.0.1:5432/wenzheng"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_secure_proxy_turns_on_https_settings(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = _manage(["shell", "-c", code], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "('HTTP_X_FORWARDED_PROTO', 'https') True True True 31536000 True"


def test_the_embedded_default_runs_with_debug_off_and_a_key_it_keeps(tmp_path):
    code = "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SECRET_KEY)"
    first = _manage(["shell", "-c", code], {}, tmp_path)
    second = _manage(["shell", "-c", code], {}, tmp_path)
    assert first.returncode == 0, first.stderr
    debug, key = first.stdout.split("\n")[-2].rsplit(" ", 1)
    assert debug == "False ['127.0.0.1', 'localhost', '[::1]'] False"
    key_file = tmp_path / "var" / "secret_key"
    assert key == key_file.read_text().strip() and len(key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert second.stdout.split("\n")[-2].endswith(" " + key)  # the same key on the next start


def test_debug_is_on_only_when_asked_for(tmp_path):
    code = "from django.conf import settings as s; print(s.DEBUG)"
    assert _manage(["shell", "-c", code], {"DEBUG": "1"}, tmp_path).stdout.split("\n")[-2] == "True"


def test_json_logs_are_one_object_per_line(tmp_path):
    code = "import logging; logging.getLogger('wz.test').warning('hello %s', 'world', extra={'case': 7})"
    result = _manage(["shell", "-c", code], {"LOG_FORMAT": "json"}, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    entry = next(line for line in lines if line["logger"] == "wz.test")
    assert entry["message"] == "hello world"
    assert entry["level"] == "WARNING"
    assert entry["case"] == 7


def test_a_proxied_production_setup_refuses_to_run_in_debug_mode(tmp_path):
    env = {**PRODUCTION_ENV, "DEBUG": "1"}
    result = _manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "set DEBUG=0" in result.stderr
