"""Periodic work for supervision: reminding administrators to enter next
year's public holidays before deadlines start running into it, and keeping
the supervision ledger's daily checkpoint."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.calendar import missing_years

# The State Council announces next year's holidays in October to December.
# Sending only on the first of those months keeps this to three reminders
# a year; a claim per day and year (portal.claims) keeps it to one e-mail
# however often the task is delivered or however many beats run.
REMINDER_MONTHS = (10, 11, 12)


@shared_task
def remind_to_enter_next_year() -> list[int]:
    """E-mail the superusers about each year from this one to the next whose
    calendar is not entered; returns those years."""
    today = timezone.localdate()
    missing = missing_years(today, ahead=1)
    if not missing or today.day != 1 or today.month not in REMINDER_MONTHS:
        return missing
    recipients = list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return missing
    from portal.claims import task_claim, task_claim_release

    for year in missing:
        # Two beat processes, or a redelivered message, must not remind twice.
        claim = f"calendar-reminder:{today.isoformat()}:{year}"
        if not task_claim(claim):
            continue
        try:
            _send_reminder(year, recipients)
        except Exception:
            task_claim_release(claim)
            raise
    return missing


def _send_reminder(year: int, recipients: list[str]) -> None:
    send_mail(
        _("Enter the public holidays of %(year)s") % {"year": year},
        _(
            "The working-day calendar has no public holidays or make-up working days for %(year)s, so "
            "deadlines in that year count only weekends as days off. Enter them in the administration "
            "pages, or run “manage.py seed_calendar --years %(year)s” once the chinesecalendar package "
            "has them."
        )
        % {"year": year},
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


@shared_task
def scan_deadlines() -> dict[str, int]:
    """The periodic deadline scan (see supervision.scan)."""
    from supervision.scan import scan

    return scan()


@shared_task
def run_export(job_id: int) -> None:
    """Write the cases behind a dashboard number to CSV or XLSX, recording
    progress as it goes; a job already finished is left alone."""
    from supervision.export_jobs import export_run

    export_run(job_id=job_id)


@shared_task
def record_ledger_checkpoint() -> int | None:
    """Keep today's checkpoint of the supervision ledger (once a day, however
    often this runs); returns the entry it sealed, or None if today's was
    already kept."""
    from supervision.ledger import ledger_checkpoint_record

    checkpoint = ledger_checkpoint_record()
    return checkpoint.sequence if checkpoint is not None else None
