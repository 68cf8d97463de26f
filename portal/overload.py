"""503 with Retry-After instead of a hang or the web server's 502: for a
request that queued at the proxy longer than OVERLOAD_QUEUE_LIMIT_MS (the
proxy's X-Request-Start stamp), and for one whose statement ran past
DB_STATEMENT_TIMEOUT_MS (PostgreSQL cancels it). Health checks are never
turned away."""

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("wenzheng.overload")


def queued_seconds(request, now: float | None = None) -> float | None:
    """How long the request waited since the proxy received it, from
    X-Request-Start ("t=<seconds>.<ms>", or milliseconds / microseconds
    since the epoch), or None without a readable stamp."""
    value = request.META.get("HTTP_X_REQUEST_START", "").strip()
    if value.startswith("t="):
        value = value[2:]
    try:
        stamp = float(value)
    except ValueError:
        return None
    if stamp > 1e14:
        stamp /= 1e6  # microseconds
    elif stamp > 1e11:
        stamp /= 1e3  # milliseconds
    return max((now or time.time()) - stamp, 0.0)


def busy_response(request, reason: str):
    # Turned away before LocaleMiddleware ran: answer in the asker's language.
    with translation.override(translation.get_language_from_request(request)):
        return _busy_response(request, reason)


def _busy_response(request, reason: str):
    retry_after = str(settings.OVERLOAD_RETRY_AFTER_SECONDS)
    message = _("The portal is very busy right now and could not finish this request. Please try again in a "
                "few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": [{"field": None, "code": "busy", "message": message}]}, status=503)
    else:
        # No request context: nothing of the session or the database is read.
        response = HttpResponse(render_to_string("503.html", {"message": message, "retry_after": retry_after}),
                                status=503)
    response["Retry-After"] = retry_after
    logger.warning("503 busy (%s): %s %s", reason, request.method, request.path)
    # Said once, above, as a warning: not again by django.request as an error
    # for every request turned away (portal.logging.NotTurnedAway).
    request.turned_away = True
    return response


def _is_statement_timeout(exception) -> bool:
    cause = getattr(exception, "__cause__", None)
    return getattr(cause, "pgcode", None) == "57014"  # query_canceled: statement_timeout


class LoadSheddingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.OVERLOAD_QUEUE_LIMIT_MS
        if limit and not request.path.startswith("/health/"):
            waited = queued_seconds(request)
            if waited is not None and waited * 1000 > limit:
                return busy_response(request, f"queued {waited * 1000:.0f} ms")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and _is_statement_timeout(exception):
            return busy_response(request, "statement timeout")
        return None


def set_statement_timeout(sender, connection, **kwargs) -> None:
    """On each new database connection of a web process (PostgreSQL)."""
    if connection.vendor == "postgresql" and settings.DB_STATEMENT_TIMEOUT_MS:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(settings.DB_STATEMENT_TIMEOUT_MS)])


def limit_statements_in_web_processes() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(set_statement_timeout, dispatch_uid="wenzheng-statement-timeout")
