"""Reads for supervisors."""

from petitions.selectors import case_list_queryset


def case_overview(*, status: str | None = None):
    """Every case with its department, status and the times of each step."""
    cases = case_list_queryset()
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-submitted_at", "-id")
