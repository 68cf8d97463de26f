from django.apps import AppConfig
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and departments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.services import user_set_language

        def remember_language(sender, request, user, **kwargs):
            # The language the person logs in with: their e-mails speak it.
            if request is not None:
                user_set_language(user=user, language=translation.get_language() or "")

        # weak=False: a local function has no other reference and would be
        # garbage-collected, silently disconnecting it.
        user_logged_in.connect(remember_language, dispatch_uid="accounts.remember_language", weak=False)
