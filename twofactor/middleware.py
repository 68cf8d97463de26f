"""Keeps supervisors and administrators out until they have verified a
TOTP code in this session. Installed after django_otp's OTPMiddleware,
which gives request.user its is_verified().

It decides on the view the URL resolved to, never on what the request
says about its own credentials: API views are left to their authenticators
(api.authentication), which know whether a token or the session
authenticated the request and refuse an unverified session themselves."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from twofactor.policy import awaits_two_factor
from twofactor.selectors import confirmed_device_for

# What a session waiting for its code may still open: the two-factor pages
# themselves, logging out, the language switch and the health checks.
EXEMPT_VIEWS = frozenset({
    "twofactor:setup",
    "twofactor:verify",
    "twofactor:backup_codes",
    "accounts:logout",
    "set_language",
    "health_web",
    "health_worker",
    "health_beat",
})


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "OTP_REQUIRED_FOR_ROLES", True):
            return None
        if getattr(request.resolver_match, "view_name", None) in EXEMPT_VIEWS:
            return None
        if _authenticates_itself(view_func):
            return None
        user = request.user
        if not awaits_two_factor(user):
            return None
        if request.path_info.startswith("/api/"):
            from api.authentication import TwoFactorRequired

            refusal = TwoFactorRequired()
            return JsonResponse({"errors": [{"field": None, "code": refusal.default_code,
                                             "message": str(refusal.detail)}]}, status=refusal.status_code)
        target = "twofactor:verify" if confirmed_device_for(user) is not None else "twofactor:setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse(target)}?{query}" if query else reverse(target))


def _authenticates_itself(view_func) -> bool:
    """A DRF view whose every authenticator applies the two-factor rule
    itself. Any other view, DRF's included, is gated here by the session."""
    from rest_framework.views import APIView

    from api.authentication import TWO_FACTOR_AWARE

    view_class = getattr(view_func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        return False
    return all(issubclass(kind, TWO_FACTOR_AWARE) for kind in view_class.authentication_classes)
