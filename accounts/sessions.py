"""Sessions in the database, as Django's own backend stores them, read
with SQL compiled once per process (portal.compiled_query): every page a
logged-in person opens reads its session first, and building that query
through the ORM cost more CPU than PostgreSQL spends running it.

SESSION_ENGINE = "accounts.sessions". The rows and their encoding are
Django's: switching engines logs no one out."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from portal.compiled_query import CompiledQuery


def _session_by_key(session_key):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=session_key)


_SESSION_BY_KEY = CompiledQuery(_session_by_key, "\x00session-key")


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        # The key was checked when set (SessionBase); a query raises nothing to log.
        session = _SESSION_BY_KEY.first(self.session_key) if self.session_key else None
        # Expired: as Django's backend, which filters on expire_date in the query.
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
