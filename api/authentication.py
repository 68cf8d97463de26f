"""How the API knows who is asking: a program's token, sent as
`Authorization: Bearer <token>` (or `Token <token>`), or a browser's
session, with its CSRF check. Each authenticator also decides whether
two-factor authentication applies; nothing else reads these credentials."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.selectors import active_token_for_key
from api.services import token_mark_used
from api.throttling import FailedTokenThrottle
from portal.first_query import run_as_health_check
from twofactor.policy import awaits_two_factor

KEYWORDS = ("bearer", "token")

# RFC 9110 credentials: the scheme (a token), then spaces, then the token68
# (tabs tolerated as well). Only these ASCII characters are read: a header
# that names our scheme and goes on with anything else is a malformed token,
# never a header to ignore and fall back to the session.
_SCHEME = re.compile(r"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
_CREDENTIALS = re.compile(r"[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*")


def _authorization(request) -> str:
    value = request.META.get("HTTP_AUTHORIZATION", "")
    # Servers give header values as latin-1 text; some test clients give bytes.
    return value.decode("latin-1") if isinstance(value, bytes) else value


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A token is a program's credential, made by a session that passed
    two-factor (TwoFactorSessionAuthentication): no code is asked for it."""

    def authenticate(self, request):
        header = _authorization(request)
        scheme = _SCHEME.match(header)
        if scheme is None or scheme[1].lower() not in KEYWORDS:
            return None  # no credentials, or another scheme: not a token
        credentials = _CREDENTIALS.fullmatch(header, scheme.end())
        if credentials is None:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, with no spaces in it."))
        key = credentials[1]
        # Every API request reads its token first: that read is also the
        # connection's health check (no SELECT 1 before it).
        token = run_as_health_check(lambda: active_token_for_key(key))
        if token is None:
            failures = FailedTokenThrottle()
            if not failures.allow_request(request, None):
                raise exceptions.Throttled(failures.wait())
            raise exceptions.AuthenticationFailed(_("This token is not valid, or it was revoked."))
        token_mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TwoFactorRequired(exceptions.PermissionDenied):
    default_code = "otp_required"
    default_detail = _(
        "Your account must confirm a two-factor code before it can use the API in the browser. "
        "Open the site, enter your code, and try again, or use an API token."
    )


class TwoFactorSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing the session of a user who
    must confirm a two-factor code and has not yet: whatever else the
    request carries, once no token authenticated it, it is this session."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and awaits_two_factor(result[0]):
            raise TwoFactorRequired()
        return result


# The authenticators that apply the two-factor rule themselves; the
# two-factor middleware leaves a DRF view to them only if it uses no other.
TWO_FACTOR_AWARE = (ApiTokenAuthentication, TwoFactorSessionAuthentication)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("An API token made under “API tokens” in your account, sent as "
                                 "`Authorization: Bearer <token>`.")),
        }


class TwoFactorSessionScheme(SessionScheme):
    target_class = "api.authentication.TwoFactorSessionAuthentication"
    priority = 0
