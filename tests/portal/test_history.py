"""Every change of a case is kept in its own history."""

import pytest

from petitions.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_each_case_reads_its_own_history_rows():
    first, second = CaseFactory(), CaseFactory()
    first.title = "路灯不亮，已报修"
    first.save()
    assert [row.title for row in first.history.order_by("history_id")] == [first.history.earliest().title,
                                                                           "路灯不亮，已报修"]
    assert second.history.count() == 1 and Case.history.count() == 3
