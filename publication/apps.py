from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = _("Public cases")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Department
        from petitions.models import Case, Category, Region
        from publication.list_cache import forget_public_lists, forget_public_lists_if_case_left
        from publication.models import Publication

        # The public list's rendered pages (publication.list_cache) are
        # dropped when what they show changes; see that module for which.
        for model in (Publication, Category, Region, Department):
            name = model.__name__
            post_save.connect(forget_public_lists, sender=model, dispatch_uid=f"publication.lists.{name}.saved")
            post_delete.connect(forget_public_lists, sender=model, dispatch_uid=f"publication.lists.{name}.deleted")
        post_save.connect(forget_public_lists_if_case_left, sender=Case, dispatch_uid="publication.lists.case.saved")
        # A new answer to a published case comes back to the moderators.
        from publication.services import answer_published
        from responses.models import Reply

        post_save.connect(answer_published, sender=Reply, dispatch_uid="publication.answer_published")
