"""Who may see what of a report: supervisors alone read reports and their
evidence; a department's officials read only the explanation requests put
to their department. A refusal is the same 404 as a missing object."""

import logging

from django.http import Http404

from accounts.roles import Role, has_role, user_department_ids
from oversight.models import Evidence, ExplanationRequest, Report

logger = logging.getLogger("wenzheng.access")


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


def _refuse(user, what, pk):
    logger.warning("%s not shown: user=%s id=%s", what, getattr(user, "pk", None), pk)
    raise Http404("Not found")


def get_report_for_supervisor(user, report_id) -> Report:
    if is_supervisor(user):
        report = Report.objects.select_related("department", "case", "handled_by", "reporter").prefetch_related(
            "evidence").filter(pk=report_id).first()
        if report is not None:
            return report
    _refuse(user, "report", report_id)


def get_own_report(user, report_id) -> Report:
    if getattr(user, "is_authenticated", False):
        report = Report.objects.select_related("department", "finding").filter(pk=report_id, reporter=user).first()
        if report is not None:
            return report
    _refuse(user, "report", report_id)


def get_evidence_for_supervisor(user, report_id, evidence_id) -> Evidence:
    if is_supervisor(user):
        evidence = Evidence.objects.filter(pk=evidence_id, report_id=report_id).first()
        if evidence is not None:
            return evidence
    _refuse(user, "evidence", evidence_id)


def get_explanation_for_user(user, request_id) -> ExplanationRequest:
    """The department asked, and supervisors."""
    asked = ExplanationRequest.objects.select_related("department").filter(pk=request_id).first()
    if asked is not None and (asked.department_id in user_department_ids(user) or is_supervisor(user)):
        return asked
    _refuse(user, "explanation request", request_id)


def can_answer(user, asked) -> bool:
    return asked.department_id in user_department_ids(user) and asked.answered_at is None

