"""Writes on accounts."""

from django.db import transaction

from accounts.models import User


def user_register(*, email: str, password: str, full_name: str = "") -> User:
    with transaction.atomic():
        return User.objects.create_user(email=email, password=password, full_name=full_name)


def user_set_notification_preference(*, user: User, daily_digest: bool) -> User:
    user.notify_daily_digest = daily_digest
    user.save(update_fields=["notify_daily_digest"])
    return user
