"""manage.py seed_calendar [--years 2025 2026]: enter public holidays and
make-up working days from the chinesecalendar package."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from supervision.calendar_seed import SOURCE, package_years, seed_calendar_from_package
from supervision.models import CalendarDay


class Command(BaseCommand):
    help = "Fill the working-day calendar from the chinesecalendar package (every year it knows by default)."

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, metavar="YEAR", help="only these years")

    def handle(self, *args, years=None, **options):
        entered = seed_calendar_from_package(years)
        for year in entered:
            counts = dict(
                CalendarDay.objects.filter(date__year=year).values_list("kind").annotate(n=Count("id")).order_by()
            )
            self.stdout.write(
                f"{year}: {counts.get(CalendarDay.Kind.HOLIDAY, 0)} weekday holidays, "
                f"{counts.get(CalendarDay.Kind.MAKEUP_WORKDAY, 0)} make-up working days"
            )
        unknown = sorted(set(years or ()) - set(entered))
        if unknown:
            known = package_years()
            self.stderr.write(
                self.style.WARNING(
                    f"{SOURCE} has no data for {', '.join(map(str, unknown))} (it knows {known[0]}–{known[-1]}); "
                    "enter those years by hand in the admin."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Entered {len(entered)} year(s) from {SOURCE}."))
