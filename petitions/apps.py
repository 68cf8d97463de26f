from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Cases")

    def ready(self):
        from accounts.models import Department
        from petitions.models import Category, Region
        from petitions.reference import forget_active_rows, forget_reference_nodes
        from portal.process_cache import forget_when_changed

        # The filter forms' option lists (petitions.reference) follow an
        # administrator's edit at once, not when the cache entry expires.
        forget_when_changed(forget_reference_nodes, Category, Region, Department, name="petitions.reference")
        forget_when_changed(forget_active_rows, Category, Region, name="petitions.reference.active")
