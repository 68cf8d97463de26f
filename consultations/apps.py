from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations on draft decisions")

    def ready(self):
        from consultations.services import report_notifier
        from supervision import subjects
        from supervision.models import ClockKind

        subjects.register(ClockKind.CONSULTATION_REPORT, report_notifier)
