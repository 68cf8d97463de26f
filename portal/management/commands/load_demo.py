"""manage.py load_demo [--if-empty] [--without-history]: load the demo city and print its accounts."""

from django.core.management.base import BaseCommand

from accounts.models import Department
from portal.demo import load_demo


class Command(BaseCommand):
    help = ("Load demo departments, categories, regions, routing rules, an account per role and department, "
            "and four months of cases played through the services.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only load when there are no departments yet.")
        parser.add_argument("--without-history", action="store_true",
                            help="Only the city and its accounts, not its months of past cases.")

    def handle(self, *args, if_empty=False, without_history=False, **options):
        if if_empty and Department.objects.exists():
            self.stdout.write("Departments exist already; demo data not loaded.")
            return
        accounts = load_demo(history=not without_history)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts (e-mail / password / role):"))
        for email, password, role in accounts:
            self.stdout.write(f"  {email:32} {password:20} {role}")
