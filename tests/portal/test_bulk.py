"""portal.bulk.update_rows: many saved rows' fields in one statement."""

import datetime

import pytest
from django.utils import timezone

from petitions.models import Case
from portal.bulk import update_rows
from tests.factories import CaseFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_only_the_named_fields_change(django_assert_num_queries):
    first, second, untouched = CaseFactory(title="一"), CaseFactory(title="二"), CaseFactory(title="三")
    department = DepartmentFactory()
    moment = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=3)
    first.status, first.lead_department, first.dispatched_at = "dispatched", department, moment
    second.status, second.lead_department, second.dispatched_at = "routing_centre", None, None
    first.title = second.title = "not written"
    with django_assert_num_queries(1):
        assert update_rows([first, second], ["status", "lead_department", "dispatched_at"]) == 2
    rows = {case.pk: case for case in Case.objects.filter(pk__in=[first.pk, second.pk, untouched.pk])}
    assert (rows[first.pk].status, rows[first.pk].lead_department_id, rows[first.pk].dispatched_at) == (
        "dispatched", department.pk, moment)
    assert (rows[second.pk].status, rows[second.pk].lead_department_id, rows[second.pk].dispatched_at) == (
        "routing_centre", None, None)
    assert [rows[first.pk].title, rows[second.pk].title, rows[untouched.pk].title] == ["一", "二", "三"]
    assert rows[untouched.pk].status == untouched.status


def test_a_column_that_is_empty_in_every_row_is_written():
    cases = [CaseFactory(), CaseFactory()]
    for case in cases:
        case.due_at = None
        case.wants_public = True
    assert update_rows(cases, ["due_at", "wants_public"]) == 2
    assert list(Case.objects.filter(pk__in=[case.pk for case in cases]).values_list("due_at", "wants_public")) == [
        (None, True), (None, True)]


def test_nothing_to_write_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_rows([], ["status"]) == 0
