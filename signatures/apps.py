from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Petitions and surge alerts")

    def ready(self):
        from django.db.models.signals import post_save

        from publication.signals import case_published
        from responses.models import Reply
        from signatures import receivers

        # A moderator's approval opens a petition for co-signing.
        case_published.connect(receivers.open_petition_on_publication, dispatch_uid="signatures.open_petition")
        # A published reply is a petition's formal response: the receiver only
        # enqueues a task after commit; the periodic sweep catches any it missed.
        post_save.connect(receivers.check_response_on_reply, sender=Reply, dispatch_uid="signatures.reply_saved")
