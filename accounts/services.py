"""Writes on accounts."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotifyBy, User
from portal.errors import DomainError
from portal.queue import enqueue_on_commit

CONFIRM_SALT = "accounts.email-confirmation"


def user_register(*, email: str, password: str, full_name: str = "", language: str = "") -> User | None:
    """A new account for `email`, unconfirmed, with a confirmation link on
    its way; or, when the address already has an account, an e-mail to its
    owner saying someone tried, and None. The caller answers both alike."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                                language=language)
        except IntegrityError:  # registered a moment ago by another request
            existing = User.objects.filter(email__iexact=email).first()
        else:
            from accounts.tasks import email_address_confirmation

            enqueue_on_commit(email_address_confirmation, user.pk)
            return user
    # As much work as a new account takes (hashing the password), so the
    # time of the answer does not tell either.
    make_password(password)
    if existing is not None:
        from accounts.tasks import email_registration_attempt

        enqueue_on_commit(email_registration_attempt, existing.pk)
    return None


def email_confirmation_token(user: User) -> str:
    """The signed part of a confirmation link: the account and the address
    it confirms (a link for an address since changed confirms nothing)."""
    return signing.dumps([user.pk, user.email], salt=CONFIRM_SALT, compress=True)


def user_confirmation_resend(*, user: User) -> None:
    """Another confirmation link, for an account still unconfirmed."""
    if user.email_confirmed:
        raise DomainError(_("Your e-mail address is already confirmed."))
    from accounts.tasks import email_address_confirmation

    enqueue_on_commit(email_address_confirmation, user.pk)


def confirmation_token_check(*, actor: User, token: str) -> str:
    """The address a confirmation link confirms for the logged-in account;
    a DomainError, saying what to do, for a link that is not valid for it
    (tampered, expired, another account's, or an address since changed)."""
    invalid = _("This confirmation link is not valid for your account. Copy the whole link from the latest "
                "e-mail, or ask for a new one.")
    try:
        user_id, email = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.ACCOUNT_CONFIRMATION_DAYS * 86400)
    except signing.SignatureExpired:
        raise DomainError(_("This confirmation link has expired. Ask for a new one below.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise DomainError(invalid) from None
    if user_id != actor.pk or email != actor.email:
        raise DomainError(invalid)
    return email


def user_confirm_email(*, actor: User, token: str) -> User:
    """The logged-in account confirms its address with the link e-mailed to
    it. Asking for the password as well as the mailbox means neither a link
    followed by a mail scanner nor someone who only reads the mailbox
    confirms an account registered by someone else. Confirming twice
    changes nothing."""
    confirmation_token_check(actor=actor, token=token)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        # Checked again under the lock: the address may have changed since.
        confirmation_token_check(actor=user, token=token)
        _confirm_address(user)
    return user


def _confirm_address(user: User) -> None:
    """Mark the (locked) account's address confirmed, and give it the cases
    recorded with that address so far."""
    from petitions.services import cases_link_to_citizen

    if not user.email_confirmed:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    cases_link_to_citizen(citizen_id=user.pk)


def user_password_reset_complete(*, user: User) -> None:
    """After a password is set by an e-mailed reset link: following the
    link proved the mailbox, so the address counts as confirmed; the
    account's API tokens are revoked, as its sessions were (the session
    hash changed with the password), so whoever held the account before
    keeps no way in; and its login lockouts are lifted."""
    from axes.utils import reset as axes_reset

    from api.services import tokens_revoke_all

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _confirm_address(user)
        tokens_revoke_all(user=user)
    axes_reset(username=user.email)


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language someone uses the site in, for their e-mails.
    An unknown code is ignored; an unchanged one writes nothing."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_set_notification_preference(*, user: User, daily_digest: bool) -> User:
    user.notify_daily_digest = daily_digest
    user.save(update_fields=["notify_daily_digest"])
    return user


def user_sign_in_by_phone(*, phone: str, language: str = "") -> tuple[User, bool]:
    """After the right texted code: the account that confirmed `phone`, or a
    new one opened with it (confirmed, texts by default, no password until
    its owner sets one). Returns (user, created). The cases operators
    recorded with the number join the account."""
    from petitions.services import cases_link_to_citizen

    user = User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).first()
    created = False
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=None, phone=phone, phone_confirmed_at=timezone.now(),
                                                notify_by=NotifyBy.SMS, language=language)
                created = True
        except IntegrityError:  # opened a moment ago by another request
            user = User.objects.get(phone=phone, phone_confirmed_at__isnull=False)
    if not user.is_active:
        raise DomainError(_("This account is not active."))
    cases_link_to_citizen(citizen_id=user.pk)
    return user, created


def user_phone_confirm(*, actor: User, phone: str) -> User:
    """The logged-in account takes `phone`, proved by the texted code: it
    is confirmed, and the cases recorded with it join the account. A
    number another account confirmed stays that account's."""
    from petitions.services import cases_link_to_citizen

    taken = _("This number is confirmed by another account. Sign in with it, or use another number.")
    if User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).exclude(pk=actor.pk).exists():
        raise DomainError(taken)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=actor.pk)
            if user.phone != phone or user.phone_confirmed_at is None:
                user.phone, user.phone_confirmed_at = phone, timezone.now()
                user.save(update_fields=["phone", "phone_confirmed_at"])
    except IntegrityError:  # confirmed by another account a moment ago
        raise DomainError(taken) from None
    cases_link_to_citizen(citizen_id=user.pk)
    return user


def user_set_notify_by(*, user: User, notify_by: str) -> User:
    """E-mail, texts or both, for notices about the person's cases. Asking
    for texts again lifts a STOP sent from the account's number."""
    from notifications.services import sms_opt_in

    if notify_by in (NotifyBy.SMS, NotifyBy.BOTH) and not user.phone_confirmed:
        raise DomainError(_("Confirm a mobile number first, to receive texts."))
    if notify_by in (NotifyBy.EMAIL, NotifyBy.BOTH) and not user.email:
        raise DomainError(_("Your account has no e-mail address: choose texts."))
    if notify_by != user.notify_by:
        user.notify_by = notify_by
        user.save(update_fields=["notify_by"])
    if notify_by in (NotifyBy.SMS, NotifyBy.BOTH):
        sms_opt_in(phone=user.phone)
    return user


def user_email_add(*, user: User, email: str) -> None:
    """An account opened with a mobile number adds an e-mail address, which
    it confirms by the link e-mailed to it. An address another account
    holds is not taken: its owner is told someone tried, and the person
    asking reads the same answer (check your mailbox)."""
    from accounts.tasks import email_address_confirmation, email_registration_attempt

    if user.email:
        raise DomainError(_("Your account already has an e-mail address."))
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                locked = User.objects.select_for_update().get(pk=user.pk)
                locked.email, locked.email_confirmed_at = email, None
                locked.save(update_fields=["email", "email_confirmed_at"])
        except IntegrityError:  # taken a moment ago
            existing = User.objects.filter(email__iexact=email).first()
        else:
            enqueue_on_commit(email_address_confirmation, user.pk)
            return
    if existing is not None and existing.pk != user.pk:
        enqueue_on_commit(email_registration_attempt, existing.pk)


def user_set_api_tokens_shown(*, user: User, shown: bool) -> User:
    user.show_api_tokens = shown
    user.save(update_fields=["show_api_tokens"])
    return user
