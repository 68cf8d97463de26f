"""Registration and confirming an address; login, logout, password reset
and change are Django's own views (password reset with rate limits and
the e-mail sent by the worker)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from accounts.forms import NotificationSettingsForm, PasswordResetRequestForm, RegistrationForm
from accounts.limits import address_over_limit, client_over_limit, too_many_attempts
from accounts.services import (
    confirmation_token_check,
    user_confirm_email,
    user_confirmation_resend,
    user_password_reset_complete,
    user_register,
    user_set_api_tokens_shown,
    user_set_language,
    user_set_notification_preference,
)
from portal.errors import DomainError


@require_http_methods(["GET", "POST"])
def register(request):
    """The same answer for a free address and a taken one: check your
    mailbox (where the owner of a taken one reads that someone tried)."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        limited = client_over_limit(request, action="register")
        if limited is None and form.is_valid():
            limited = address_over_limit(request, email=form.cleaned_data["email"])
            if limited is None:
                user_register(email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
                              full_name=form.cleaned_data["full_name"], language=request.LANGUAGE_CODE)
                return redirect("accounts:register_done")
        if limited is not None:
            return too_many_attempts(request, limited)
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    return render(request, "accounts/register_done.html")


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request, token: str):
    """The link of the confirmation e-mail: a page with a button, so a mail
    scanner that follows links confirms nothing, and only for the account
    logged in (see accounts.services.user_confirm_email)."""
    try:
        if request.method == "POST":
            user_confirm_email(actor=request.user, token=token)
            messages.success(request, _("Thank you: your e-mail address is confirmed."))
            return redirect("petitions:my_cases")
        confirmation_token_check(actor=request.user, token=token)
    except DomainError as refused:
        return render(request, "accounts/confirm_email.html", {"error": refused.message}, status=400)
    return render(request, "accounts/confirm_email.html")


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email_resend(request):
    if request.method == "POST" and not request.user.email_confirmed:
        limited = client_over_limit(request, action="confirm_resend") or address_over_limit(
            request, email=request.user.email)
        if limited is not None:
            return too_many_attempts(request, limited)
        user_confirmation_resend(user=request.user)
        messages.success(request, _("A new confirmation link is on its way to %(email)s.")
                         % {"email": request.user.email})
        return redirect("accounts:confirm_email_resend")
    return render(request, "accounts/confirm_email_resend.html")


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link: the same page next whether or not the
    address has an account, rate limited per client and per address."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        limited = client_over_limit(request, action="password_reset")
        if limited is None:
            form = self.get_form()
            if not form.is_valid():
                return self.form_invalid(form)
            limited = address_over_limit(request, email=form.cleaned_data["email"])
            if limited is None:
                return self.form_valid(form)
        return too_many_attempts(request, limited)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing the new password. Setting it ends every session of the
    account (Django checks each session's hash of the password), and
    accounts.services.user_password_reset_complete does the rest."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            user_password_reset_complete(user=form.user)
        return response


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"notify_daily_digest": request.user.notify_daily_digest,
                 "show_api_tokens": request.user.show_api_tokens},
    )
    if request.method == "POST" and form.is_valid():
        user_set_notification_preference(user=request.user, daily_digest=form.cleaned_data["notify_daily_digest"])
        user_set_api_tokens_shown(user=request.user, shown=form.cleaned_data["show_api_tokens"])
        messages.success(request, _("Your settings were saved."))
        return redirect("accounts:notification_settings")
    return render(request, "accounts/notification_settings.html", {"form": form})


def set_language(request):
    """Django's language switch (a cookie, then back to the page); a
    logged-in person's choice is also kept for their e-mails."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
