"""Starting a comment export and writing it. The file is written row by
row to a temporary file (never the whole export in memory), and the
progress is recorded every CHUNK rows for the status page."""

import csv
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from openpyxl import Workbook

from consultations.exports.columns import comment_header, comment_row
from consultations.exports.models import CommentExport
from consultations.exports.selectors import can_export, comments_for_export
from portal.errors import ActionForbidden, DomainError
from portal.queue import enqueue_on_commit
from portal.spreadsheet import safe_row

CHUNK = 2000


def comment_export_start(*, actor, consultation, format: str) -> CommentExport:  # noqa: A002 - the field's name
    from consultations import tasks

    if not can_export(actor, consultation):
        raise ActionForbidden(translation.gettext("Only the department's officials and supervisors may export "
                                                  "the comments."))
    if format not in CommentExport.Format.values:
        raise DomainError(translation.gettext("Choose CSV or XLSX."))
    with transaction.atomic():
        export = CommentExport.objects.create(consultation=consultation, requested_by=actor, format=format,
                                              language=translation.get_language() or settings.LANGUAGE_CODE)
        enqueue_on_commit(tasks.export_comments, export.pk)
    return export


def _rows(export_id: int, comments):
    done = 0
    for comment in comments.iterator(chunk_size=CHUNK):
        yield safe_row(comment_row(comment))  # text a spreadsheet would run as a formula is kept as text
        done += 1
        if done % CHUNK == 0:
            CommentExport.objects.filter(pk=export_id).update(done=done)


def comment_export_run(*, export_id: int) -> CommentExport | None:
    """Write the file; claimed by a conditional update so a second delivery
    of the task does nothing."""
    if not CommentExport.objects.filter(pk=export_id, state=CommentExport.State.QUEUED).update(
            state=CommentExport.State.RUNNING):
        return None
    export = CommentExport.objects.select_related("consultation").get(pk=export_id)
    try:
        comments = comments_for_export(export.consultation)
        export.total = comments.count()
        export.save(update_fields=["total"])
        binary = export.format == CommentExport.Format.XLSX
        # A byte-order mark in CSV, so spreadsheet programs read the Chinese as UTF-8.
        opened = tempfile.TemporaryFile() if binary else tempfile.TemporaryFile(
            "w+", encoding="utf-8-sig", newline="")
        with translation.override(export.language or settings.LANGUAGE_CODE), opened as handle:
            header = safe_row(comment_header())
            if binary:
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet(title=translation.gettext("Comments")[:31])
                sheet.append(header)
                for row in _rows(export.pk, comments):
                    sheet.append(row)
                workbook.save(handle)
            else:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(_rows(export.pk, comments))
            handle.seek(0)
            name = f"{export.consultation_id}-{export.pk}-{timezone.now():%Y%m%d%H%M%S}.{export.format}"
            export.file.save(name, File(handle), save=False)
        export.done, export.state, export.finished_at = export.total, CommentExport.State.DONE, timezone.now()
        export.save(update_fields=["file", "done", "state", "finished_at"])
    except Exception:
        CommentExport.objects.filter(pk=export_id).update(state=CommentExport.State.FAILED,
                                                          finished_at=timezone.now())
        raise
    return export
