"""The two moderation queues read only what waits for a decision: the flags
the decisions and new answers set (Case.publication_decided,
Publication.answer_to_review), each served by a partial index."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case
from publication.models import Publication, PublicationRejectionReason, PublicationState
from publication.selectors import answers_awaiting_review, awaiting_moderation
from publication.services import publication_reject, publication_set_author_name
from responses.models import Reply, ReplyState
from tests.factories import UserFactory
from tests.plans import plan_without_seq_scans
from tests.publication.conftest import answered_case, publish

pytestmark = pytest.mark.django_db


def queued(queryset) -> set[int]:
    return {row.pk for row in queryset}


def new_answer(case, department, text="新的答复：已处理。"):
    return Reply.objects.create(case=case, department=department, author=UserFactory(), body=text,
                                state=ReplyState.PUBLISHED, published_at=timezone.now())


def test_a_decision_takes_the_case_off_the_queue(department, moderator):
    approved, refused, named, withdrawn = (
        answered_case(department=department, title=f"问题{number}", body="内容内容内容。", answer="已处理。")
        for number in range(4))
    private = answered_case(department=department, title="不公开", body="内容内容内容。", wants_public=False)
    publication_set_author_name(actor=named.citizen, case_id=named.pk, show=True)  # a pending publication
    Case.objects.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN)
    assert queued(awaiting_moderation()) == {approved.pk, refused.pk, named.pk}
    assert Publication.objects.get(case=named).state == PublicationState.PENDING

    publish(approved, moderator)
    publication_reject(actor=moderator, case_id=refused.pk,
                       reason=PublicationRejectionReason.objects.filter(is_active=True).first())
    assert queued(awaiting_moderation()) == {named.pk}
    assert Case.objects.filter(pk__in=[approved.pk, refused.pk], publication_decided=True).count() == 2
    assert not Case.objects.get(pk=private.pk).publication_decided


def test_an_answer_after_the_decision_waits_for_review_until_the_next_one(department, moderator):
    case = answered_case(department=department, title="噪音", body="内容内容内容。", answer="第一次答复。")
    untouched = answered_case(department=department, title="停车", body="内容内容内容。", answer="已处理。")
    publish(case, moderator)
    publish(untouched, moderator)
    assert queued(answers_awaiting_review()) == set()

    new_answer(case, department)
    assert queued(answers_awaiting_review()) == {Publication.objects.get(case=case).pk}
    publish(case, moderator)
    assert queued(answers_awaiting_review()) == set()
    assert not Publication.objects.get(case=case).answer_to_review


def test_a_draft_or_an_answer_before_the_decision_is_not_for_review(department, moderator):
    case = answered_case(department=department, title="噪音", body="内容内容内容。", answer="答复。")
    publish(case, moderator)
    Reply.objects.create(case=case, department=department, author=UserFactory(), body="草稿",
                         state=ReplyState.PENDING_APPROVAL)
    Reply.objects.create(case=case, department=department, author=UserFactory(), body="旧的",
                         state=ReplyState.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=1))
    assert queued(answers_awaiting_review()) == set()


def test_the_migration_fills_the_flags_in_for_decisions_already_made(department, moderator):
    waiting = answered_case(department=department, title="等待", body="内容内容内容。", answer="答复。")
    decided = answered_case(department=department, title="已决定", body="内容内容内容。", answer="答复。")
    publish(decided, moderator)
    new_answer(decided, department)
    # As the rows were before the flags existed.
    Case.objects.update(publication_decided=False)
    Publication.objects.update(answer_to_review=False)

    migration = importlib.import_module("publication.migrations.0005_moderation_flags_filled")
    migration.fill_in_flags(apps, None)
    assert queued(awaiting_moderation()) == {waiting.pk}
    assert queued(answers_awaiting_review()) == {Publication.objects.get(case=decided).pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL")
def test_each_queue_is_read_by_its_partial_index(department, moderator):
    case = answered_case(department=department, title="噪音", body="内容内容内容。", answer="答复。")
    publish(case, moderator)
    assert "case_moderation_queue_idx" in plan_without_seq_scans(awaiting_moderation()[:25])
    assert "pub_answer_review_idx" in plan_without_seq_scans(answers_awaiting_review()[:50])


def test_the_command_after_the_restart_catches_what_the_old_release_did(department, moderator):
    """The previous release decided and answered without the flags."""
    decided = answered_case(department=department, title="已决定", body="内容内容内容。", answer="答复。")
    publish(decided, moderator)
    Case.objects.filter(pk=decided.pk).update(publication_decided=False)
    new_answer(decided, department)
    Publication.objects.update(answer_to_review=False)
    output = io.StringIO()
    call_command("fill_moderation_flags", stdout=output)
    assert "1 cases marked decided, 1 answers marked for review" in output.getvalue()
    assert queued(awaiting_moderation()) == set()
    assert queued(answers_awaiting_review()) == {Publication.objects.get(case=decided).pk}
    call_command("fill_moderation_flags", stdout=output)  # again: nothing left to set
    assert "0 cases marked decided, 0 answers marked for review" in output.getvalue()
