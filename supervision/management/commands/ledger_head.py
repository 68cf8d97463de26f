"""manage.py ledger_head: print the supervision ledger's head as
SEQUENCE:HASH, to keep somewhere the database's owner cannot reach and pass
later to `manage.py verify_supervision --head`."""

from django.core.management.base import BaseCommand

from supervision.ledger import current_head


class Command(BaseCommand):
    help = "Print the supervision ledger's head (SEQUENCE:HASH) to save outside the database."

    def handle(self, *args, **options):
        sequence, hashed = current_head()
        self.stdout.write(f"{sequence}:{hashed}")
