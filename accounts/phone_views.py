"""Signing in (or up) with a mobile number and a texted code, and the
page where an account adds, confirms and uses its number for notices."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import EmailAddForm, NotifyByForm, PhoneCodeForm, PhoneForm
from accounts.limits import address_over_limit, client_over_limit, code_over_limit, too_many_attempts
from accounts.phone_codes import phone_code_check, phone_code_send
from accounts.phones import mask_phone
from accounts.services import user_email_add, user_phone_confirm, user_set_notify_by, user_sign_in_by_phone
from portal.errors import DomainError
from twofactor.selectors import confirmed_device_for
from twofactor.session import pending_start

SIGN_IN_KEY = "phone_sign_in"
CONFIRM_KEY = "phone_confirm"
BACKEND = "accounts.backends.PhonePasswordBackend"
WRONG_CODE = gettext_lazy("That code is wrong or no longer valid. Check the text, or ask for a new code.")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _send_code(request, form, *, session_key: str, extra=None):
    """Text a code to the form's number, within the limits; a response to
    return (over a limit, or on to the next step), or None to show the form."""
    if not form.is_valid():
        return None
    phone = form.cleaned_data["phone"]
    limited = code_over_limit(request, phone=phone)
    if limited is not None:
        return too_many_attempts(request, limited)
    try:
        phone_code_send(phone=phone, language=request.LANGUAGE_CODE)
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    request.session[session_key] = {"phone": phone, **(extra or {})}
    return True


@never_cache
@require_http_methods(["GET", "POST"])
def phone_sign_in(request):
    """The number first. A code goes to every valid number, whether or not
    it has an account: the next page is the same for all."""
    form = PhoneForm(request.POST or None)
    if request.method == "POST":
        sent = _send_code(request, form, session_key=SIGN_IN_KEY, extra={"next": _safe_next(request)})
        if sent is True:
            return redirect("accounts:phone_code")
        if sent is not None:
            return sent
    return render(request, "accounts/phone_sign_in.html", {"form": form, "next": _safe_next(request)},
                  status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def phone_code(request):
    """The code: it signs in the account that confirmed the number, or opens
    one. A staff account with an authenticator still gives its TOTP code."""
    pending = request.session.get(SIGN_IN_KEY)
    if not pending:
        return redirect("accounts:phone_sign_in")
    phone = pending["phone"]
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not phone_code_check(phone=phone, code=form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
        else:
            request.session.pop(SIGN_IN_KEY, None)
            try:
                user, created = user_sign_in_by_phone(phone=phone, language=request.LANGUAGE_CODE)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                target = pending.get("next") or reverse("petitions:my_cases")
                user.backend = BACKEND
                if confirmed_device_for(user) is not None:
                    pending_start(request, user)
                    return redirect(f"{reverse('twofactor:verify')}?{urlencode({'next': target})}")
                auth_login(request, user, backend=BACKEND)
                if created:
                    messages.success(request, _("Welcome: your account is open. You can sign in with this number "
                                                "and a texted code, or set a password in your settings."))
                return redirect(target)
    return render(request, "accounts/phone_code.html", {"form": form, "masked_phone": mask_phone(phone)},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_settings(request):
    """Add or change the account's number (confirmed by a code), add an
    e-mail address to an account that has none, and choose e-mail, texts
    or both for notices about its cases."""
    from notifications.models import SmsOptOut

    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    phone_form = PhoneForm(request.POST if action == "send" else None, prefix="phone")
    code_form = PhoneCodeForm(request.POST if action == "confirm" else None, prefix="code")
    notify_form = NotifyByForm(request.POST if action == "notify" else None, initial={"notify_by": user.notify_by},
                               prefix="notify")
    email_form = EmailAddForm(request.POST if action == "email" else None, prefix="email")
    confirming = request.session.get(CONFIRM_KEY)
    if action == "send":
        sent = _send_code(request, phone_form, session_key=CONFIRM_KEY)
        if sent is True:
            messages.success(request, _("A code is on its way to %(phone)s.")
                             % {"phone": mask_phone(phone_form.cleaned_data["phone"])})
            return redirect("accounts:phone_settings")
        if sent is not None:
            return sent
    elif action == "confirm" and confirming and code_form.is_valid():
        if not phone_code_check(phone=confirming["phone"], code=code_form.cleaned_data["code"]):
            code_form.add_error("code", WRONG_CODE)
        else:
            request.session.pop(CONFIRM_KEY, None)
            try:
                user_phone_confirm(actor=user, phone=confirming["phone"])
            except DomainError as error:
                code_form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you: your mobile number is confirmed."))
                return redirect("accounts:phone_settings")
    elif action == "email" and not user.email:
        limited = client_over_limit(request, action="email_add")
        if limited is None and email_form.is_valid():
            limited = address_over_limit(request, email=email_form.cleaned_data["email"])
            if limited is None:
                user_email_add(user=user, email=email_form.cleaned_data["email"])
                messages.success(request, _("A new confirmation link is on its way to %(email)s.")
                                 % {"email": email_form.cleaned_data["email"]})
                return redirect("accounts:phone_settings")
        if limited is not None:
            return too_many_attempts(request, limited)
    elif action == "notify" and notify_form.is_valid():
        try:
            user_set_notify_by(user=user, notify_by=notify_form.cleaned_data["notify_by"])
        except DomainError as error:
            notify_form.add_error(None, error.message)
        else:
            messages.success(request, _("Your choice was saved."))
            return redirect("accounts:phone_settings")
    user.refresh_from_db()
    context = {
        "phone_form": phone_form, "code_form": code_form, "notify_form": notify_form, "email_form": email_form,
        "masked_phone": mask_phone(user.phone) if user.phone else "",
        "confirming": mask_phone(confirming["phone"]) if confirming else "",
        "texts_stopped": user.phone_confirmed and SmsOptOut.objects.filter(phone=user.phone).exists(),
    }
    failed = phone_form.errors or code_form.errors or notify_form.errors or email_form.errors
    return render(request, "accounts/phone_settings.html", context, status=400 if failed else 200)


@login_required
@require_http_methods(["GET", "POST"])
def password_set(request):
    """A first password for an account opened with a number and a code;
    one that has a password changes it on Django's page."""
    if request.user.has_usable_password():
        return redirect("accounts:password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password is set. You can sign in with your mobile number and it."))
        return redirect("accounts:phone_settings")
    return render(request, "accounts/password_set.html", {"form": form}, status=400 if form.errors else 200)
