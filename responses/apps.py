from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Routing and replies")

    def ready(self):
        from accounts.models import Department
        from portal.process_cache import forget_when_changed
        from responses.models import RoutingRule
        from responses.routing import forget_rules

        # An administrator's edit to a rule, or a department closed, routes
        # the next case by the new rules in this process at once.
        forget_when_changed(forget_rules, RoutingRule, Department, name="responses.rules")
        self._renew_inboxes_when_changed()

    @staticmethod
    def _renew_inboxes_when_changed():
        """Rendered inboxes (responses.inbox_cache) are dropped when what
        they show changes; see that module for which changes."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Department
        from petitions.models import Case, Category, Region
        from portal.process_cache import forget_when_changed
        from responses.inbox_cache import case_saved, names_changed, user_saved

        post_save.connect(case_saved, sender=Case, dispatch_uid="responses.inbox.case.saved")
        post_delete.connect(case_saved, sender=Case, dispatch_uid="responses.inbox.case.deleted")
        forget_when_changed(names_changed, Category, Region, Department, name="responses.inbox.names")
        post_save.connect(user_saved, sender=get_user_model(), dispatch_uid="responses.inbox.user.saved")
