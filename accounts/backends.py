"""Logging in with a confirmed mobile number and the account's password, on
the same page as with an e-mail address."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.phones import normalise_mobile


class PhonePasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or "@" in username or password is None:
            return None
        phone = normalise_mobile(username)
        if phone is None:
            return None
        user = User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).first()
        if user is None:
            User().set_password(password)  # as slow as a known number, as ModelBackend does
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
