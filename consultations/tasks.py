"""Background work of consultations: grouping each new comment into its
campaign, grouping a backlog in batches, and closing the windows that have
ended."""

import datetime
import time

from celery import shared_task
from django.utils import timezone

from consultations import selectors, services

# A comment still in no group this long after it was sent lost its message.
UNGROUPED_AFTER = datetime.timedelta(minutes=5)
# A backlog task works this long, then hands the rest to a new message, so
# no message outlives the broker's visibility timeout and others get a turn.
BACKLOG_SECONDS = 60
BACKLOG_BATCH = 500


@shared_task
def group_comment(comment_id: int) -> None:
    services.comment_group(comment_id=comment_id)


@shared_task
def group_pending(consultation_id: int) -> int:
    """Group every comment of the consultation still in no group, a batch
    (one transaction) at a time; running it twice, or in two workers at
    once, groups each comment once (the consultation's lock)."""
    grouped, started = 0, time.monotonic()
    while time.monotonic() - started < BACKLOG_SECONDS:
        done = services.comments_group_pending(consultation_id=consultation_id, limit=BACKLOG_BATCH)
        grouped += done
        if done < BACKLOG_BATCH:
            return grouped
    group_pending.delay(consultation_id)
    return grouped


@shared_task
def sweep_ungrouped_comments() -> int:
    """Group the comments whose grouping message was lost (broker down when
    they were sent, a worker killed): the database is the outbox."""
    ids = selectors.consultations_with_ungrouped_comments(submitted_before=timezone.now() - UNGROUPED_AFTER)
    for consultation_id in ids:
        group_pending.delay(consultation_id)
    return len(ids)


@shared_task
def close_due_consultations() -> int:
    return len(services.consultations_close_due())


@shared_task
def export_comments(export_id: int) -> None:
    """Write every comment of a consultation to CSV or XLSX, recording
    progress; an export already started or finished is left alone."""
    from consultations.exports.services import comment_export_run

    comment_export_run(export_id=export_id)
