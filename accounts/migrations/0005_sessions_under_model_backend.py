"""Sessions made under the removed accounts.backends.AccountBackend name
Django's ModelBackend instead, so no one is logged out (a session naming a
backend that is not configured logs its person out)."""

from django.db import migrations

OLD = "accounts.backends.AccountBackend"
NEW = "django.contrib.auth.backends.ModelBackend"
# Where the backend's path is kept: Django's login, and a login waiting for
# its two-factor code (twofactor.session.PENDING_KEY).
AUTH_BACKEND_KEY = "_auth_user_backend"
PENDING_KEY = "twofactor_pending"


def rename_backend(apps, schema_editor):
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import caches
    from django.utils import timezone

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    live = Session.objects.filter(expire_date__gt=timezone.now()).order_by("session_key")
    last = ""
    while batch := list(live.filter(session_key__gt=last)[:2000]):
        last = batch[-1].session_key
        changed = [session for session in batch if _renamed(store, session)]
        Session.objects.bulk_update(changed, ["session_data"])
        # A copy cached_db sessions kept from before would still name the old backend.
        caches[settings.SESSION_CACHE_ALIAS].delete_many(
            [SessionStore(session.session_key).cache_key for session in changed])


def _renamed(store, session) -> bool:
    data = store.decode(session.session_data)
    pending = data.get(PENDING_KEY)
    touched = False
    if data.get(AUTH_BACKEND_KEY) == OLD:
        data[AUTH_BACKEND_KEY] = NEW
        touched = True
    if isinstance(pending, dict) and pending.get("backend") == OLD:
        pending["backend"] = NEW
        touched = True
    if touched:
        session.session_data = store.encode(data)
    return touched


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_user_email_confirmed_at"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rename_backend, migrations.RunPython.noop, elidable=True),
    ]
