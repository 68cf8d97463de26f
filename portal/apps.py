from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Wenzheng"

    def ready(self):
        from portal import failures  # noqa: F401 - connects the task_failure signal
