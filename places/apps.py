from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Places and maps")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from places.models import Area
        from places.selectors import forget_area_options

        # The inbox's list of areas follows an administrator's edit at once.
        post_save.connect(forget_area_options, sender=Area, dispatch_uid="places.area_options.saved")
        post_delete.connect(forget_area_options, sender=Area, dispatch_uid="places.area_options.deleted")
