"""Every model's history manager (portal.history): its class is built once,
and the history it reads and writes is simple-history's."""

import pytest

from petitions.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_history_manager_class_is_built_once_and_reads_each_case_s_own_rows():
    first, second = CaseFactory(), CaseFactory()
    assert type(first.history) is type(second.history) is type(Case.history)
    first.title = "路灯不亮，已报修"
    first.save()
    assert [row.title for row in first.history.order_by("history_id")] == [first.history.earliest().title,
                                                                           "路灯不亮，已报修"]
    assert second.history.count() == 1 and Case.history.count() == 3
