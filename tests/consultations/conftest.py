"""The actors of the consultation tests: the department's official (drafts),
its head (publishes), a moderator, citizens, and an official of another
department; and consultations in each phase."""

import datetime

import pytest
from django.utils import timezone, translation

from consultations import services
from consultations.models import Consultation
from publication.models import PublicationRejectionReason
from tests.factories import UserFactory

TEXT = """第一章 总则
第一条 为了规范停车管理，制定本办法。
第二条 本办法适用于本市行政区域。
第二章 收费
第三条 停车收费标准由价格部门制定。"""


@pytest.fixture(autouse=True)
def _english():
    """Messages and pages in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


@pytest.fixture
def reason(db):
    return PublicationRejectionReason.objects.create(name="含有个人信息", name_en="Personal data")


@pytest.fixture
def draft(official, head):
    return services.consultation_create(actor=official, department=official.memberships.get().department,
                                        title="停车管理办法（征求意见稿）", text=TEXT)


@pytest.fixture
def open_consultation(draft, head):
    return services.consultation_publish(actor=head, consultation_id=draft.pk)


def close_now(consultation):
    """Move the window into the past, as time passing would."""
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(opens_at=now - datetime.timedelta(days=31),
                                                           closes_at=now - datetime.timedelta(minutes=1))
    consultation.refresh_from_db()
    return consultation
