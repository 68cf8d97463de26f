"""One shape for every error the API returns, whatever raised it:
{"errors": [{"field": "title", "code": "required", "message": "..."}]}
(`field` null for the request as a whole). Domain errors map to status
codes here: a stale version 409, a refused action 403, other refusals 400,
a missing or hidden case 404."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler

from portal.errors import ActionForbidden, CaseChanged, DomainError, TransitionNotAllowed


class DomainConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "case_changed"


class DomainForbidden(exceptions.PermissionDenied):
    default_code = "action_forbidden"


class DomainRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def api_exception(error: DomainError) -> exceptions.APIException:
    if isinstance(error, CaseChanged):
        return DomainConflict(error.message)
    if isinstance(error, ActionForbidden):
        return DomainForbidden(error.message)
    if isinstance(error, TransitionNotAllowed):
        return DomainRefused(error.message, code="transition_not_allowed")
    return DomainRefused(error.message)


def form_errors(form) -> exceptions.ValidationError:
    """A Django form's errors as the API's validation error, codes kept."""
    detail = {}
    for field, errors in form.errors.get_json_data().items():
        key = "non_field_errors" if field == "__all__" else field
        detail[key] = [exceptions.ErrorDetail(error["message"], code=error["code"] or "invalid") for error in errors]
    return exceptions.ValidationError(detail)


def handle_exception(exc, context):
    if isinstance(exc, DomainError):
        exc = api_exception(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nothing was found at this address, or you may not see it."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"errors": list(_flatten(exc.detail if hasattr(exc, "detail") else str(exc)))}
    return response


def _flatten(detail, field=None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "detail"):
                yield from _flatten(value, field)
            else:
                yield from _flatten(value, f"{field}.{key}" if field else str(key))
    elif isinstance(detail, list):
        nested = any(isinstance(item, (dict, list)) for item in detail)
        for index, item in enumerate(detail):
            yield from _flatten(item, f"{field}[{index}]" if nested and field else field)
    else:
        yield {"field": field, "code": getattr(detail, "code", None) or "error", "message": str(detail)}


# --- the schema of errors, for the OpenAPI description ------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The request field the error is about; null for the "
                                                             "request as a whole.")
    code = serializers.CharField(help_text="A stable code for programs, e.g. required, invalid, not_found, "
                                           "case_changed, throttled.")
    message = serializers.CharField(help_text="What was wrong, in the language of the request.")


class ErrorResponseSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)


ERROR_DESCRIPTIONS = {
    400: "The request was refused: invalid input (per field), or an action the case's state does not allow.",
    401: "No valid credentials: log in, or send a valid API token.",
    403: "Your role does not allow this, or the CSRF check failed for a session.",
    404: "Not found, or not visible to you (the two look the same).",
    405: "This method is not allowed here.",
    406: "The requested format cannot be produced.",
    409: "The case changed since the version you sent: read it again and retry.",
    415: "The body's media type is not accepted here.",
    429: "Too many requests: wait the number of seconds in Retry-After.",
}
COMMON_ERRORS = (400, 401, 403, 405, 406, 415, 429)


def error_responses(*codes) -> dict:
    wanted = sorted(set(COMMON_ERRORS) | set(codes))
    return {code: OpenApiResponse(ErrorResponseSerializer, description=ERROR_DESCRIPTIONS[code]) for code in wanted}


# --- errors Django raises before or around DRF ---------------------------------------------
#
# A request DRF never saw (too large a body, a crash in a view): under /api/
# it still answers in the one shape, elsewhere with the site's own pages.


def _api_error(request, status_code: int, code: str, message: str):
    from django.http import JsonResponse

    return JsonResponse({"errors": [{"field": None, "code": code, "message": message}]}, status=status_code)


def handler400(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(request, 400, "bad_request", _("The request could not be read (too large or malformed)."))
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return _api_error(request, 500, "server_error",
                          _("Something went wrong on our side. Try again later; if it keeps happening, tell us."))
    from django.views.defaults import server_error

    return server_error(request)
