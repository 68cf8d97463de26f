"""The two-factor pages: setting up or removing a device, the backup codes,
the code step of the login, and the login page that leads to it."""

import base64

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.landing import landing_url
from portal.security import lockout_response
from twofactor import services
from twofactor.forms import CodeForm, CodeOrBackupCodeForm
from twofactor.policy import is_staff_account, requires_two_factor
from twofactor.selectors import backup_codes_left, backup_codes_low, confirmed_device_for
from twofactor.session import new_codes_keep, new_codes_take, pending_clear, pending_start, pending_user


class TwoStepLoginView(LoginView):
    """Django's login page; a user with a confirmed device goes on to the
    code page instead of being logged in by the password alone."""

    template_name = "accounts/login.html"

    def get_default_redirect_url(self):
        # Staff land at their work; LoginView prefers a safe `next` to this.
        return landing_url(self.request.user)

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device_for(user) is None:
            return super().form_valid(form)
        pending_start(self.request, user)
        target = self.get_redirect_url()
        query = f"?{urlencode({'next': target})}" if target else ""
        return redirect(f"{reverse('twofactor:verify')}{query}")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _next_url(request, default=None):
    return _safe_next(request) or (reverse(default) if default else landing_url(request.user))


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: the code from the user's app, or one of their backup
    codes. Wrong codes of either kind count as failed logins for
    django-axes, so they lead to the same lockout as wrong passwords."""
    user = pending_user(request)
    finishing_login = user is not None
    if user is None:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        user = request.user
        if user.is_verified():
            return redirect(_next_url(request))
    device = confirmed_device_for(user)
    if device is None:
        pending_clear(request)
        return redirect("twofactor:setup" if request.user.is_authenticated else "accounts:login")

    credentials = {"username": user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        pending_clear(request)
        return lockout_response(request)

    form = CodeOrBackupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttled = None
        try:
            accepted = services.login_code_check(user=user, code=form.cleaned_data["code"])
        except services.CodeThrottled as refusal:
            accepted, throttled = None, refusal
        if accepted is not None:
            pending_clear(request)
            if finishing_login:
                auth_login(request, user, backend=user.backend)
            otp_login(request, accepted)
            if isinstance(accepted, StaticDevice):
                return _after_backup_code(request, _next_url(request))
            return redirect(_next_url(request))
        # A code sent during the wait counts too: hurrying gains a guesser nothing.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
            pending_clear(request)
            if not finishing_login:
                auth_logout(request)
            return lockout_response(request)
        if throttled is not None:
            form.add_error("code", throttled.message)
        else:
            form.add_wrong_code_error()
    return render(request, "twofactor/verify.html", {
        "form": form,
        # Only a `next` that was asked for: without one the user lands at their work.
        "next": _safe_next(request),
        "required": requires_two_factor(user),
    }, status=400 if form.is_bound else 200)


def _after_backup_code(request, target: str):
    """Says how many backup codes are left; when few are, asks for a new
    set before going on, while there is still a code to make it with."""
    left = backup_codes_left(request.user)
    messages.warning(request, ngettext(
        "You logged in with a backup code, which will not work again. You have %(count)d backup code left.",
        "You logged in with a backup code, which will not work again. You have %(count)d backup codes left.",
        left,
    ) % {"count": left})
    if backup_codes_low(left):
        return redirect(f"{reverse('twofactor:backup_codes')}?{urlencode({'next': target})}")
    return redirect(target)


def _qr_code_data_uri(text: str) -> str:
    """The otpauth:// address as an SVG QR code, drawn without Pillow, as a
    data: URI (the CSP allows data: images; nothing inline runs)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if not is_staff_account(user):
        raise Http404
    required = requires_two_factor(user)
    confirmed = confirmed_device_for(user)
    if confirmed is not None:
        form = CodeOrBackupCodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                removed = services.device_remove(actor=user, code=form.cleaned_data["code"])
            except services.CodeThrottled as throttled:
                form.add_error("code", throttled.message)
            else:
                if removed:
                    messages.success(request, _("Two-factor authentication was removed from your account."))
                    return redirect("twofactor:setup")
                form.add_wrong_code_error()
        left = backup_codes_left(user)
        return render(request, "twofactor/setup.html", {
            "form": form, "confirmed": confirmed, "required": required,
            "backup_codes_left": left, "backup_codes_low": backup_codes_low(left),
        }, status=400 if form.is_bound else 200)

    device = services.device_start(actor=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.device_confirm(actor=user, device=device, code=form.cleaned_data["code"])
        except services.CodeThrottled as throttled:
            form.add_error("code", throttled.message)
        else:
            if codes is not None:
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is on. You will be asked for a code each "
                                            "time you log in."))
                # The backup codes first: they are shown this once.
                return _show_new_codes(request, codes, _next_url(request, default="twofactor:setup"))
            form.add_wrong_code_error()
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "twofactor/setup.html", {
        "form": form,
        "required": required,
        "secret": _grouped(secret),
        "config_url": device.config_url,
        "qr_code": _qr_code_data_uri(device.config_url),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }, status=400 if form.is_bound else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """Just after backup codes were made: shows them, once. Otherwise: how
    many are left, and the form that makes a new set."""
    user = request.user
    if not is_staff_account(user):
        raise Http404
    next_url = _next_url(request, default="twofactor:setup")
    if request.method == "GET":
        codes = new_codes_take(request)
        if codes:
            return render(request, "twofactor/backup_codes_new.html", {"codes": codes, "next": next_url})
    if confirmed_device_for(user) is None:
        return redirect("twofactor:setup")
    form = CodeOrBackupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.backup_codes_make(actor=user, code=form.cleaned_data["code"])
        except services.CodeThrottled as throttled:
            form.add_error("code", throttled.message)
        else:
            if codes is not None:
                return _show_new_codes(request, codes, next_url)
            form.add_wrong_code_error()
    left = backup_codes_left(user)
    return render(request, "twofactor/backup_codes.html", {
        "form": form, "left": left, "low": backup_codes_low(left), "next": next_url,
        "back_to_setup": next_url == reverse("twofactor:setup"),
    }, status=400 if form.is_bound else 200)


def _show_new_codes(request, codes: list[str], next_url: str):
    """Keeps the new codes for the page that shows them, after a redirect,
    so reloading that page does not send the form again and does not show
    them a second time."""
    new_codes_keep(request, codes)
    return redirect(f"{reverse('twofactor:backup_codes')}?{urlencode({'next': next_url})}")


def admin_login(request, extra_context=None):
    """The admin's own login page would log in with the password alone:
    send it to the site's login, which asks for the code."""
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(_next_url(request, default="admin:index"), reverse("accounts:login"))
