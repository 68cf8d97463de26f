"""Run once after restarting on the release that added the moderation
flags (docs/deploy.md): sets them for decisions and answers the previous
release's processes made while the migration ran. Safe to run again."""

from django.core.management.base import BaseCommand

from petitions.models import Case
from publication.models import Publication
from publication.moderation_flags import fill_in
from responses.models import Reply


class Command(BaseCommand):
    help = "Set the moderation queues' flags from the records (idempotent)."

    def handle(self, *args, **options):
        decided, to_review = fill_in(Case, Publication, Reply)
        self.stdout.write(f"{decided} cases marked decided, {to_review} answers marked for review")
