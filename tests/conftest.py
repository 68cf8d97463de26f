"""Fixtures shared by the whole suite: the three actors of every
permission test, and a portal that runs Celery tasks in-process."""

import pytest

from portal.celery import app as celery_app
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    DepartmentFactory,
    RegionFactory,
    UserFactory,
    official_of,
)


@pytest.fixture(autouse=True)
def _isolated_portal(settings, tmp_path):
    """Uploads go to a temporary folder; rate-limit counters start at zero;
    Celery tasks run in the test's process unless a test starts a worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                       "fragments": settings.CACHES["fragments"]}
    from django.core.cache import cache, caches

    cache.clear()
    caches["fragments"].clear()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Texts go to notifications.sms.outbox, at any hour (tests of quiet hours set them).
    from notifications import sms

    settings.SMS_BACKEND = "notifications.sms.backends.locmem.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SMS_QUIET_HOURS = ""
    sms.outbox.clear()
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _two_factor_not_enforced(settings):
    """Most tests log supervisors and superusers in with force_login and no
    TOTP device; tests of the two-factor gate (tests/security/
    test_two_factor.py) turn it back on."""
    settings.OTP_REQUIRED_FOR_ROLES = False


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def department(db):
    return DepartmentFactory(name="城市管理委员会", name_en="City Management")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="交通委员会", name_en="Transport")


@pytest.fixture
def citizen(db):
    return UserFactory(email="alice@example.org")


@pytest.fixture
def other_citizen(db):
    return UserFactory(email="charlie@example.org")


@pytest.fixture
def official(department):
    return official_of(department, email="bob@example.org")


@pytest.fixture
def other_official(other_department):
    return official_of(other_department, email="dave@example.org")


@pytest.fixture
def head(department):
    from accounts.models import DepartmentMembership

    user = UserFactory(email="head@example.org")
    DepartmentMembership.objects.create(user=user, department=department, is_head=True)
    return user


@pytest.fixture
def assisting_department(db):
    return DepartmentFactory(name="生态环境局", name_en="Environment")


@pytest.fixture
def assisting_official(assisting_department):
    return official_of(assisting_department, email="erin@example.org")


@pytest.fixture
def operator(db):
    return UserFactory(email="operator@example.org", roles=["operator"])


@pytest.fixture
def dispatcher(db):
    return UserFactory(email="dispatcher@example.org", roles=["dispatcher"])


@pytest.fixture
def supervisor(db):
    return UserFactory(email="supervisor@example.org", roles=["supervisor"])


@pytest.fixture
def category(db):
    return CategoryFactory(name="噪音扰民", name_en="Noise")


@pytest.fixture
def region(db):
    return RegionFactory(name="东城区", name_en="Dongcheng")


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def verified_login(client, user):
    """force_login, plus a confirmed TOTP device that this session has
    verified: what django_otp.login() leaves after a right code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
