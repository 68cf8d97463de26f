from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("Reports of misconduct")

    def ready(self):
        from oversight.services import verification_notifier
        from supervision import subjects
        from supervision.models import ClockKind

        subjects.register(ClockKind.REPORT_VERIFICATION, verification_notifier)
