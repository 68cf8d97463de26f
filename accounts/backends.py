"""Django's ModelBackend, with the user of every logged-in request read by
SQL compiled once per process (portal.compiled_query): the ORM built that
query anew on every page, at more CPU than PostgreSQL spends running it.

Sessions record the backend that logged their person in; sessions made
under Django's own ModelBackend path (before this backend existed) log in
again once."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from portal.compiled_query import CompiledQuery


def _user_by_id(user_id):
    return get_user_model()._default_manager.filter(pk=user_id)


_USER_BY_ID = CompiledQuery(_user_by_id, -1)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _USER_BY_ID.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
