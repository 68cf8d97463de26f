"""Cases made public the way moderators make them: an answered case whose
author agreed, approved through the service."""

import datetime

import pytest
from django.utils import timezone

from petitions.lifecycle import Status
from publication.services import publication_approve
from responses.models import Reply, ReplyState
from tests.factories import CaseFactory, UserFactory


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


def answered_case(*, department, title, body, answer="", wants_public=True, official=None, **fields):
    """A case the department answered (a published reply), or still with
    the department when `answer` is empty."""
    case = CaseFactory(title=title, body=body, wants_public=wants_public, lead_department=department,
                       status=Status.REPLIED if answer else Status.ACCEPTED, **fields)
    if answer:
        now = timezone.now()
        Reply.objects.create(case=case, department=department, author=official or UserFactory(), body=answer,
                             state=ReplyState.PUBLISHED, published_at=now, created_at=now - datetime.timedelta(
                                 minutes=1))
        case.replied_at = now
        case.save(update_fields=["replied_at"])
    return case


def reviewed_reply(case) -> str:
    """The reply_id the decision page posts back: the answer the moderator saw."""
    reply = Reply.objects.filter(case=case, state=ReplyState.PUBLISHED).order_by("-published_at", "-id").first()
    return str(reply.pk) if reply else ""


def publish(case, moderator, **texts):
    reply = Reply.objects.filter(case=case, state=ReplyState.PUBLISHED).order_by("-published_at").first()
    values = {"title": case.title, "body": case.body, "answer": reply.body if reply else ""}
    values.update(texts)
    return publication_approve(actor=moderator, case_id=case.pk, redacted=bool(texts), **values)


@pytest.fixture
def make_public(moderator, department):
    def make(title, body, answer="", **fields):
        case = answered_case(department=department, title=title, body=body, answer=answer, **fields)
        return publish(case, moderator)

    return make


@pytest.fixture
def client(client):
    """Pages in English, so assertions do not depend on the catalogue."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
