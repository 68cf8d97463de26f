"""Reads for supervisors, and the supervision ledger's published heads."""

from django.db.models import Max, Min

from petitions.selectors import case_list_queryset
from supervision.models import LedgerCheckpoint


def case_overview(*, status: str | None = None):
    """Every case with its department, status and the times of each step."""
    cases = case_list_queryset()
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-submitted_at", "-id")


def ledger_checkpoints():
    """The supervision ledger's daily checkpoints, newest first."""
    return LedgerCheckpoint.objects.order_by("-day")


def ledger_signing_keys() -> list[dict]:
    """Each key that signed checkpoints, with the first and last day it did,
    newest key first."""
    return list(LedgerCheckpoint.objects.exclude(public_key="").values("public_key")
                .annotate(first=Min("day"), last=Max("day")).order_by("-last"))
