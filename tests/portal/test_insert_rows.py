"""portal.insert_statement.insert_rows: bulk_create for a busy path (routing
a batch), with the same rows, ids and states as bulk_create gives."""

import pytest
from django.db import connection

from accounts.models import Department
from portal.insert_statement import insert_rows

pytestmark = pytest.mark.django_db


def test_rows_are_written_and_given_their_ids_in_order():
    departments = [Department(code=f"insert-rows-{number}", name=f"部门{number}", name_en=f"Dept {number}")
                   for number in range(3)]
    assert insert_rows(Department, departments) == departments
    for department in departments:
        assert department.pk is not None and not department._state.adding
        assert Department.objects.get(pk=department.pk).code == department.code
    assert [department.pk for department in departments] == sorted(department.pk for department in departments)


def test_a_conflict_is_skipped_when_asked():
    Department.objects.create(code="insert-rows-taken", name="已有", name_en="Taken")
    rows = [Department(code="insert-rows-taken", name="重复", name_en="Again"),
            Department(code="insert-rows-new", name="新", name_en="New")]
    insert_rows(Department, rows, ignore_conflicts=True)
    assert Department.objects.get(code="insert-rows-taken").name == "已有"
    assert Department.objects.filter(code="insert-rows-new").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="other databases take bulk_create")
def test_one_statement_on_postgresql(django_assert_num_queries):
    with django_assert_num_queries(1):
        insert_rows(Department, [Department(code=f"insert-rows-one-{number}", name="一", name_en="One")
                                 for number in range(5)])
