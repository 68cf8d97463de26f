"""accounts.backends.AccountBackend: the logged-in user read with compiled
SQL, as Django's ModelBackend reads it."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.urls import reverse

from accounts.backends import AccountBackend
from accounts.models import DepartmentMembership
from accounts.roles import user_department_ids, user_roles
from tests.factories import UserFactory, official_of

pytestmark = pytest.mark.django_db


def test_it_reads_the_user_as_model_backend_does_in_one_query(citizen, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(str(citizen.pk))  # sessions keep the id as text
    expected = ModelBackend().get_user(citizen.pk)
    assert user == expected and user.email == expected.email and user.last_login == expected.last_login
    assert user.password == expected.password  # the session's hash is checked against it


def test_an_inactive_unknown_or_malformed_user_is_no_one(citizen):
    gone = UserFactory(email="gone@example.org", is_active=False)
    backend = AccountBackend()
    assert backend.get_user(gone.pk) is None
    assert backend.get_user(0) is None
    assert backend.get_user("not a number") is None


def test_logging_in_with_a_password_uses_it(client, citizen, password):
    response = client.post(reverse("accounts:login"), {"username": citizen.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.AccountBackend"
    assert client.get(reverse("petitions:my_cases")).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the roles come with the user on PostgreSQL")
def test_on_postgresql_roles_and_departments_come_with_the_user(department, other_department,
                                                                django_assert_num_queries):
    official = official_of(department, email="bob@example.org", roles=["dispatcher"])
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(official.pk)
        assert user_roles(user) == {"dispatcher"} and user_department_ids(user) == {department.pk}
    DepartmentMembership.objects.create(user=official, department=other_department)
    official.groups.clear()
    user = AccountBackend().get_user(official.pk)  # the next request: read anew
    assert user_roles(user) == frozenset() and user_department_ids(user) == {department.pk, other_department.pk}
