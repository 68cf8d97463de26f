"""portal.compiled_query: the ORM's SQL compiled once, its rows made into
the same instances the queryset makes."""

import pytest

from petitions.models import Case
from portal.compiled_query import CompiledColumn, CompiledQuery
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

BY_NUMBER = CompiledQuery(
    lambda number, kind: Case.objects.filter(tracking_number=number, kind=kind)
    .select_related("category", "lead_department").defer("body"),
    "number placeholder", "kind placeholder",
)


def test_it_reads_what_the_queryset_reads_in_one_query(django_assert_num_queries, department):
    cases = [CaseFactory(lead_department=department), CaseFactory()]
    for case in cases:
        expected = (Case.objects.select_related("category", "lead_department").defer("body")
                    .get(pk=case.pk))
        with django_assert_num_queries(1):
            found = BY_NUMBER.first(case.tracking_number, case.kind)
            assert (found.pk, found.title, found.submitted_at, found.category.name) == (
                expected.pk, expected.title, expected.submitted_at, expected.category.name)
            assert found.lead_department == expected.lead_department
            assert found.submitted_at.tzinfo is not None  # the database's converters applied (SQLite)
        assert found.get_deferred_fields() == {"body"} and found.body == case.body  # read when asked
        assert not found._state.adding and found == case
    assert BY_NUMBER.first("000000-0000-0000-000", cases[0].kind) is None
    assert BY_NUMBER.first(cases[0].tracking_number, "no such kind") is None


def test_a_placeholder_that_is_not_a_parameter_once_is_refused():
    twice = CompiledQuery(lambda number: Case.objects.filter(tracking_number=number, title=number), "x")
    with pytest.raises(ValueError, match="must appear once"):
        twice.first("261127-0000-0000-000")


SUBMITTED_TIMES = CompiledColumn(
    lambda department_id: Case.objects.filter(lead_department_id=department_id).order_by("submitted_at")
    .values_list("submitted_at", flat=True), -1)


def test_a_compiled_column_reads_every_row_as_values_list_does(department, other_department,
                                                               django_assert_num_queries):
    for lead in (department, department, other_department):
        CaseFactory(lead_department=lead)
    for lead in (department, other_department):
        expected = list(Case.objects.filter(lead_department=lead).order_by("submitted_at")
                        .values_list("submitted_at", flat=True))
        with django_assert_num_queries(1):
            assert SUBMITTED_TIMES.values(lead.pk) == expected  # datetimes, converted on SQLite too
    assert SUBMITTED_TIMES.values(0) == []


def test_a_compiled_column_is_one_column():
    with pytest.raises(ValueError, match="one column"):
        CompiledColumn(lambda pk: Case.objects.filter(pk=pk).values_list("pk", "title"), -1).values(1)


def test_annotations_are_set_on_the_instance_as_the_orm_sets_them(department):
    from django.db.models.functions import Length

    case = CaseFactory(lead_department=department, title="夜间施工")
    with_length = CompiledQuery(lambda pk: Case.objects.filter(pk=pk).annotate(title_length=Length("title")), -1)
    found = with_length.first(case.pk)
    assert found.title_length == 4 == Case.objects.annotate(title_length=Length("title")).get(pk=case.pk).title_length
