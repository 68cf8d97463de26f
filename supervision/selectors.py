"""Reads for supervisors, and the supervision ledger's published heads."""

from django.db.models import Max, Min
from django.http import Http404

from accounts.roles import Role, has_role
from petitions.selectors import case_list_queryset
from supervision.models import ExportJob, LedgerCheckpoint


def case_overview(*, status: str | None = None):
    """Every case with its department, status and the times of each step."""
    cases = case_list_queryset()
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-submitted_at", "-id")


def export_job_for(user, job_id, *, done: bool = False) -> ExportJob:
    """An export is its supervisor's alone, and only while they are a
    supervisor: the file holds cases they may no longer see. Someone else's,
    a missing one and (with done) one not finished all raise the same 404."""
    job = None
    if has_role(user, Role.SUPERVISOR):
        jobs = ExportJob.objects.filter(requested_by=user)
        if done:
            jobs = jobs.filter(state=ExportJob.State.DONE)
        job = jobs.filter(pk=job_id).first()
    if job is None:
        raise Http404("No export found")
    return job
def ledger_checkpoints():
    """The supervision ledger's daily checkpoints, newest first."""
    return LedgerCheckpoint.objects.order_by("-day")


def ledger_signing_keys() -> list[dict]:
    """Each key that signed checkpoints, with the first and last day it did,
    newest key first."""
    return list(LedgerCheckpoint.objects.exclude(public_key="").values("public_key")
                .annotate(first=Min("day"), last=Max("day")).order_by("-last"))
