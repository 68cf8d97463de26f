from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Department
        from petitions.models import Category, Region
        from petitions.reference import forget_reference_nodes

        # The filter forms' option lists (petitions.reference) follow an
        # administrator's edit at once, not when the cache entry expires.
        for model in (Category, Region, Department):
            name = model.__name__
            post_save.connect(forget_reference_nodes, sender=model, dispatch_uid=f"petitions.reference.{name}.saved")
            post_delete.connect(forget_reference_nodes, sender=model,
                                dispatch_uid=f"petitions.reference.{name}.deleted")
