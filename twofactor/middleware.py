"""Keeps supervisors and administrators out until they have verified a
TOTP code in this session. Installed after django_otp's OTPMiddleware,
which gives request.user its is_verified()."""

from functools import cache

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from twofactor.policy import requires_two_factor
from twofactor.selectors import confirmed_device_for


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    return (
        reverse("twofactor:setup"),  # the setup page and, under it, the code page
        reverse("accounts:logout"),
        reverse("set_language"),
        static,
        "/health/",
    )


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        if not getattr(settings, "OTP_REQUIRED_FOR_ROLES", True):
            return None
        path = request.path_info
        if path.startswith(_exempt_prefixes()):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if path.startswith("/api/") and _sends_api_token(request):
            # A program's token: not interactive, and not this session's
            # user; the API's own authentication decides. Any other
            # Authorization header falls back to the session: checked below.
            return None
        if not requires_two_factor(user):
            return None
        if path.startswith("/api/"):
            message = _(
                "Your account must confirm a two-factor code before it can use the API in the browser. "
                "Open the site, enter your code, and try again, or use an API token."
            )
            return JsonResponse({"errors": [{"field": None, "code": "otp_required", "message": message}]},
                                status=403)
        target = "twofactor:verify" if confirmed_device_for(user) is not None else "twofactor:setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse(target)}?{query}" if query else reverse(target))


def _sends_api_token(request) -> bool:
    from api.authentication import KEYWORDS

    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    return len(words) == 2 and words[0].lower() in KEYWORDS
