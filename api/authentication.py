"""Token authentication for programs: `Authorization: Bearer <token>` (or
`Token <token>`). Browsers use the session, with its CSRF check."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.selectors import active_token_for_key
from api.services import token_mark_used
from api.throttling import FailedTokenThrottle

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, with no spaces in it."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = active_token_for_key(key)
        if token is None:
            failures = FailedTokenThrottle()
            if not failures.allow_request(request, None):
                raise exceptions.Throttled(failures.wait())
            raise exceptions.AuthenticationFailed(_("This token is not valid, or it was revoked."))
        token_mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


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
