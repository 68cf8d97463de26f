"""The actors of the interview tests: the interview host (a role), the
interviewed department's official, a moderator, citizens, and an official
of another department; and interviews in each state."""

import datetime

import pytest
from django.utils import timezone

from interviews import services
from publication.models import PublicationRejectionReason
from tests.factories import UserFactory


@pytest.fixture
def host(db):
    return UserFactory(email="host@example.org", roles=["interview_host"])


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


@pytest.fixture
def reason(db):
    return PublicationRejectionReason.objects.create(name="含有辱骂内容", name_en="Abusive content")


@pytest.fixture
def schedule(host, department, category, region):
    def make(**overrides):
        start = timezone.now() + datetime.timedelta(hours=1)
        fields = {"actor": host, "title": "公交线路优化在线访谈", "department": department,
                  "guests": "交通委副主任 陈明", "starts_at": start, "ends_at": start + datetime.timedelta(hours=1),
                  "category": category, "region": region, **overrides}
        return services.interview_schedule(**fields)
    return make


@pytest.fixture
def interview(schedule):
    return schedule()


@pytest.fixture
def live_interview(interview, host):
    return services.interview_start(actor=host, interview_id=interview.pk)


def ask(interview, user, body="地铁接驳公交能否延长运营时间？", publish_by=None):
    question = services.question_submit(actor=user, interview_id=interview.pk, body=body)
    if publish_by is not None:
        question = services.question_publish(actor=publish_by, question_id=question.pk)
    return question
