from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from supervision.calendar import forget_calendar
        from supervision.clocks import forget_policies
        from supervision.models import CalendarDay, DeadlinePolicy

        for signal in (post_save, post_delete):
            signal.connect(forget_calendar, sender=CalendarDay, dispatch_uid="forget-calendar")
            signal.connect(forget_policies, sender=DeadlinePolicy, dispatch_uid="forget-policies")
