from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from supervision.calendar import forget_calendar
        from supervision.clocks import forget_policies
        from supervision.models import CalendarDay, DeadlinePolicy

        # An administrator's edit to the calendar must change deadlines
        # computed afterwards, not after the cache expires.
        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="supervision.calendar.saved")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="supervision.calendar.deleted")
        # The same for the deadline policies (supervision.clocks.policy_for).
        post_save.connect(forget_policies, sender=DeadlinePolicy, dispatch_uid="supervision.policies.saved")
        post_delete.connect(forget_policies, sender=DeadlinePolicy, dispatch_uid="supervision.policies.deleted")
