"""manage.py rebuild_tallies: recount the dashboard's tallies from the
supervision records (after a bulk load, or when verify_supervision reports
a tally that does not match)."""

from django.core.management.base import BaseCommand

from supervision.tallies import rebuild


class Command(BaseCommand):
    help = "Recount the dashboard's tallies of clocks, ratings and working hours from the supervision records."

    def handle(self, *args, **options):
        for name, rows in rebuild().items():
            self.stdout.write(f"{name}: {rows} rows")
