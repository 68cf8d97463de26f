from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from portal.process_cache import forget_when_changed
        from supervision.calendar import forget_calendar
        from supervision.clocks import forget_policies
        from supervision.models import CalendarDay, DeadlinePolicy

        # An administrator's edit to the calendar or the deadline policies
        # must change deadlines computed afterwards, not after the cache expires.
        forget_when_changed(forget_calendar, CalendarDay, name="supervision.calendar")
        forget_when_changed(forget_policies, DeadlinePolicy, name="supervision.policies")
