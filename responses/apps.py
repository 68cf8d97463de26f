from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Routing and replies")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Department
        from responses.models import RoutingRule
        from responses.routing import forget_rules

        # An administrator's edit to a rule, or a department closed, routes
        # the next case by the new rules in this process at once.
        for model in (RoutingRule, Department):
            post_save.connect(forget_rules, sender=model, dispatch_uid=f"responses.rules.{model.__name__}.saved")
            post_delete.connect(forget_rules, sender=model, dispatch_uid=f"responses.rules.{model.__name__}.deleted")
