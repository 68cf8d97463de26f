"""manage.py load_demo [--if-empty]: load the demo city and print its accounts."""

from django.core.management.base import BaseCommand

from accounts.models import Department
from portal.demo import load_demo


class Command(BaseCommand):
    help = "Load demo departments, categories, regions, routing rules and one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only load when there are no departments yet.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Department.objects.exists():
            self.stdout.write("Departments exist already; demo data not loaded.")
            return
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts (e-mail / password / role):"))
        for email, password, role in accounts:
            self.stdout.write(f"  {email:32} {password:20} {role}")
