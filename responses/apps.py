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
