"""manage.py verify_supervision: name every supervision record (clock) that
was changed outside the application, and every sign that the ledger of all
their events was: entries deleted, altered or reordered, or a history
rewritten since a saved head or a signed checkpoint. Exits 1 when it finds
any."""

import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from supervision.audit import checkpoint_heads, read_saved_heads, verify_clocks, verify_ledger
from supervision.ledger import current_head, load_public_key, signing_key
from supervision.tallies import differences


class Command(BaseCommand):
    help = ("Verify the hash chains of the supervision clocks, that each clock matches its history, and that the "
            "ledger of all their events is whole and still extends the heads saved before.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--head", action="append", default=[], metavar="SEQUENCE:HASH|FILE",
            help="a head saved earlier (as `manage.py ledger_head` prints it), a file of such lines, or the "
                 "checkpoints' JSON from the open-data page; may be repeated")
        parser.add_argument(
            "--public-key", action="append", default=[], metavar="FILE|BASE64",
            help="a public key the checkpoints must be signed with (PEM file, or its one-line body); may be "
                 "repeated. Default: the public half of the configured signing key, if any")

    def handle(self, *args, **options):
        saved = checkpoint_heads()
        try:
            for value in options["head"]:
                saved += read_saved_heads(value)
            keys = [load_public_key(Path(value).read_text() if Path(value).is_file() else value)
                    for value in options["public_key"]]
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            own = None if keys else signing_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if own is not None:
            keys = [own.public_key()]

        findings = 0
        for finding in verify_clocks():
            findings += 1
            self.stdout.write(f"clock {finding.clock_id} (case {finding.case_id}): {finding.problem}")
        ledger_findings = 0
        for problem in verify_ledger(saved_heads=saved, public_keys=keys):
            ledger_findings += 1
            self.stdout.write(problem)
        mismatches = differences()
        for mismatch in mismatches:
            self.stdout.write(mismatch)
        if mismatches:
            self.stderr.write(self.style.ERROR(
                f"{len(mismatches)} dashboard tally row(s) do not match the records: run manage.py rebuild_tallies."))
        if findings:
            self.stderr.write(self.style.ERROR(f"{findings} supervision record(s) altered outside the application."))
        if ledger_findings:
            self.stderr.write(self.style.ERROR(
                f"{ledger_findings} problem(s) in the supervision ledger: records were deleted, altered or "
                "reordered outside the application."))
        if findings or ledger_findings or mismatches:
            sys.exit(1)
        sequence, hashed = current_head()
        signed = sum(1 for head in saved if head.signature)
        self.stdout.write(self.style.SUCCESS(
            f"All supervision records and their history are intact. Ledger: {sequence} entries, head "
            f"{sequence}:{hashed}; it extends {len(saved)} saved head(s) and checkpoint(s)"
            + (f", {signed} signature(s) verified." if keys else f", {signed} signed (no public key given).")))
