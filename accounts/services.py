"""Writes on accounts."""

from django.conf import settings
from django.db import transaction

from accounts.models import User


def user_register(*, email: str, password: str, full_name: str = "") -> User:
    with transaction.atomic():
        return User.objects.create_user(email=email, password=password, full_name=full_name)


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
