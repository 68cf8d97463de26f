"""Django's ModelBackend, with the user of every logged-in request read by
SQL compiled once per process (portal.compiled_query): the ORM built that
query anew on every page, at more CPU than PostgreSQL spends running it.
On PostgreSQL the same statement brings the user's roles and departments
(array subqueries), which nearly every page asks for (accounts.roles): one
round trip instead of three.

Sessions record the backend that logged their person in; sessions made
under Django's own ModelBackend path (before this backend existed) log in
again once."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef

from accounts.roles import remember_access
from portal.compiled_query import CompiledQuery


def _user_by_id(user_id):
    return get_user_model()._default_manager.filter(pk=user_id)


def _user_with_access(user_id):
    from django.contrib.auth.models import Group
    from django.contrib.postgres.expressions import ArraySubquery

    from accounts.models import DepartmentMembership

    return _user_by_id(user_id).annotate(
        role_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
        member_of=ArraySubquery(DepartmentMembership.objects.filter(user=OuterRef("pk")).values("department_id")),
    )


_USER_BY_ID = CompiledQuery(_user_by_id, -1)
_USER_WITH_ACCESS = CompiledQuery(_user_with_access, -1)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if connection.vendor == "postgresql":
            user = _USER_WITH_ACCESS.first(user_id)
            if user is not None:
                remember_access(user, roles=user.role_names, department_ids=user.member_of)
        else:
            user = _USER_BY_ID.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
