"""manage.py rebuild_clock_stats: recompute the dashboard's ClockStat table
from the supervision clocks (after a bulk load, or to check it)."""

from django.core.management.base import BaseCommand

from supervision.stats import rebuild


class Command(BaseCommand):
    help = "Recompute ClockStat from the stopped supervision clocks."

    def handle(self, *args, **options):
        rows = rebuild()
        self.stdout.write(self.style.SUCCESS(f"ClockStat rebuilt: {rows} rows."))
