"""manage.py verify_supervision: name every supervision record (clock) that
was changed outside the application. Exits 1 when it finds any."""

import sys

from django.core.management.base import BaseCommand

from supervision.audit import verify_clocks
from supervision.tallies import differences


class Command(BaseCommand):
    help = "Verify the hash chains of the supervision clocks and that each clock matches its history."

    def handle(self, *args, **options):
        findings = 0
        checked = set()
        for finding in verify_clocks():
            findings += 1
            checked.add(finding.clock_id)
            self.stdout.write(f"clock {finding.clock_id} (case {finding.case_id}): {finding.problem}")
        mismatches = differences()
        for mismatch in mismatches:
            self.stdout.write(mismatch)
        if mismatches:
            self.stderr.write(self.style.ERROR(
                f"{len(mismatches)} dashboard tally row(s) do not match the records: run manage.py rebuild_tallies."))
        if findings:
            self.stderr.write(self.style.ERROR(f"{findings} supervision record(s) altered outside the application."))
        if findings or mismatches:
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("All supervision records and their history are intact."))
