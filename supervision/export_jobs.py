"""Writing a drill-down export in the background, with progress."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone, translation

from supervision.exports import case_header, case_row, write_csv, write_xlsx
from supervision.models import ExportJob

CHUNK = 2000


def export_run(*, job_id: int) -> ExportJob | None:
    from supervision.forms import drill_scope
    from supervision.metrics import cases_behind

    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(state=ExportJob.State.RUNNING)
    if not claimed:
        return None
    job = ExportJob.objects.get(pk=job_id)
    try:
        params = QueryDict(mutable=True)
        params.update(job.parameters)
        metric, scope = drill_scope(params)
        cases = cases_behind(scope, metric, now=timezone.now())
        job.total = cases.count()
        job.save(update_fields=["total"])
        rows = []
        for case in cases.iterator(chunk_size=CHUNK):
            rows.append(case_row(case))
            if len(rows) % CHUNK == 0:
                ExportJob.objects.filter(pk=job_id).update(done=len(rows))
        # The file speaks the language of the supervisor who asked for it.
        with translation.override(job.requested_by.language or settings.LANGUAGE_CODE):
            header, title = case_header(), translation.gettext("Cases")
        content = write_csv(header, rows) if job.format == "csv" else write_xlsx(header, rows, title)
        job.file.save(f"{job.pk}-{timezone.now():%Y%m%d%H%M%S}.{job.format}", ContentFile(content), save=False)
        job.done, job.state, job.finished_at = len(rows), ExportJob.State.DONE, timezone.now()
        job.save(update_fields=["file", "done", "state", "finished_at"])
    except Exception:
        ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.FAILED, finished_at=timezone.now())
        raise
    return job

