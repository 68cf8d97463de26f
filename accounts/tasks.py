"""E-mails about accounts: the link that confirms a new account's address,
the notice to an address's owner that someone tried to register it, and
the password reset link. Sent by the worker, so the forms answer at once
and in the same time whether or not an address has an account."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from portal.claims import task_claim, task_claim_release
from portal.mail import send_templated_mail


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def _once(task, kind: str, send) -> bool:
    """Send once per message: the same message delivered twice (a worker
    killed before acknowledging) sends one e-mail; asking again is a new
    message and sends another."""
    claim = f"accounts-{kind}:{task.request.id}"
    if task.request.id and not task_claim(claim):
        return False
    try:
        send()
    except Exception:
        task_claim_release(claim)
        raise
    return True


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_address_confirmation(self, user_id: int) -> bool:
    from accounts.models import User
    from accounts.services import email_confirmation_token

    user = User.objects.filter(pk=user_id, is_active=True, email_confirmed_at=None).first()
    if user is None:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:confirm_email",
                                                   args=[email_confirmation_token(user)])
    return _once(self, "confirmation", lambda: send_templated_mail(
        to=user.email, template="account_confirm", language=_language(user),
        context={"user": user, "confirm_url": link, "valid_days": settings.ACCOUNT_CONFIRMATION_DAYS}))


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_registration_attempt(self, user_id: int) -> bool:
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    site = settings.SITE_URL.rstrip("/")
    return _once(self, "registration-attempt", lambda: send_templated_mail(
        to=user.email, template="account_exists", language=_language(user),
        context={"user": user, "login_url": site + reverse("accounts:login"),
                 "reset_url": site + reverse("accounts:password_reset")}))


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_password_reset(self, email: str, language: str) -> int:
    """A reset link to each active account of `email` that may reset its
    password (Django's PasswordResetForm.get_users); none when it has none.
    In the language the reset was asked in."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    sent = 0
    for user in PasswordResetForm().get_users(email):
        kwargs = {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                  "token": default_token_generator.make_token(user)}
        link = settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset_confirm", kwargs=kwargs)
        sent += _once(self, f"password-reset-{user.pk}", lambda user=user, link=link: send_templated_mail(
            to=user.email, template="password_reset", language=language,
            context={"user": user, "reset_url": link, "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}))
    return sent


@shared_task
def prune_phone_codes() -> int:
    from accounts.phone_codes import phone_codes_prune

    return phone_codes_prune()
