"""Background work of consultations: grouping each new comment into its
campaign, and closing the windows that have ended."""

from celery import shared_task

from consultations import services


@shared_task
def group_comment(comment_id: int) -> None:
    services.comment_group(comment_id=comment_id)


@shared_task
def close_due_consultations() -> int:
    return len(services.consultations_close_due())


@shared_task
def export_comments(export_id: int) -> None:
    """Write every comment of a consultation to CSV or XLSX, recording
    progress; an export already started or finished is left alone."""
    from consultations.exports.services import comment_export_run

    comment_export_run(export_id=export_id)
