"""Writes on reports: filing one (named or anonymous), the supervisors'
handling, the department's explanation, the reporter's rating. Each checks
its actor and the report's state under a row lock."""

import secrets
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, user_department_ids
from notifications.models import Event
from notifications.services import email_on_commit, notify
from oversight.models import Evidence, ExplanationRequest, Finding, Outcome, Report, ReportRead, ReportState
from petitions.tracking import new_tracking_number
from portal.errors import ActionForbidden, DomainError
from supervision.clocks import clock_start, clocks_stop
from supervision.models import ClockKind


def supervisors():
    from accounts.models import User

    return list(User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR.value).distinct())


def _require_supervisor(actor) -> None:
    if not has_role(actor, Role.SUPERVISOR):
        raise ActionForbidden(_("Only supervisors can do this."))


def _locked(report_id) -> Report:
    return Report.objects.select_for_update().get(pk=report_id)


def verification_notifier(*, clock, event) -> list[str]:
    """The verification clock's reminders and breaches go to the
    supervisors only: the reported department never hears of the report."""
    report = clock.subject
    return [notify(event=event, users=supervisors(), about=f"report:{report.pk}", occurrence=str(clock.pk),
                   title=str(report), path=report.get_absolute_url(), email_now=False)]


# --- reporting -----------------------------------------------------------------------


def report_submit(*, actor, department, category: str, body: str, official: str = "", case=None,
                  files=(), anonymous: bool = False) -> tuple[Report, str]:
    """File a report. Returns it and, for an anonymous one, the secret to
    follow it (shown once, kept only as a hash); "" for a named one."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Say what happened."))
    named = bool(getattr(actor, "is_authenticated", False)) and not anonymous
    if case is not None and not (named and case.citizen_id == actor.pk):
        raise DomainError(_("Only your own case can be linked to a report you sign."))
    secret = "" if named else secrets.token_urlsafe(12)
    with transaction.atomic():
        report = Report.objects.create(
            tracking_number=new_tracking_number(), secret_hash=make_password(secret) if secret else "",
            reporter=actor if named else None, department=department, official=(official or "").strip(),
            category=category, body=body, case=case, language=get_language() or "zh-hans")
        for upload, content_type in files:
            Evidence.objects.create(report=report, file=upload, original_name=upload.name[:255],
                                    content_type=content_type, size=upload.size)
        key = notify(event=Event.REPORT_RECEIVED, users=supervisors(), about=f"report:{report.pk}",
                     title=str(report), path=report.get_absolute_url(), email_now=False)
        email_on_commit([key])
    return report, secret


def report_follow(*, tracking_number: str, secret: str) -> Report | None:
    """The report for this number and secret, or None; as slow for a wrong
    number as for a wrong secret."""
    report = Report.objects.filter(tracking_number=tracking_number, reporter=None).first()
    if report is None or not report.secret_hash:
        check_password(secret or "", make_password("not-a-report"))
        return None
    return report if check_password(secret or "", report.secret_hash) else None


# --- the supervisors' handling ----------------------------------------------------------


def log_read(*, actor, report, via: str) -> None:
    ReportRead.objects.create(report=report, reader=actor, via=via)


def report_accept(*, actor, report_id: int) -> Report:
    _require_supervisor(actor)
    with transaction.atomic():
        report = _locked(report_id)
        if report.state != ReportState.SUBMITTED:
            raise DomainError(_("This report was already accepted or declined."))
        now = timezone.now()
        report.state, report.handled_by, report.accepted_at = ReportState.VERIFYING, actor, now
        report.save(update_fields=["state", "handled_by", "accepted_at"])
        # No department: the reported department must never hear of it.
        clock_start(subject=report, kind=ClockKind.REPORT_VERIFICATION, start=now, department=None)
        return report


def report_decline(*, actor, report_id: int, reason: str) -> Report:
    _require_supervisor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for declining."))
    with transaction.atomic():
        report = _locked(report_id)
        if report.state != ReportState.SUBMITTED:
            raise DomainError(_("This report was already accepted or declined."))
        report.state, report.handled_by, report.declined_at = ReportState.DECLINED, actor, timezone.now()
        report.decline_reason = reason
        report.save(update_fields=["state", "handled_by", "declined_at", "decline_reason"])
        _tell_reporter(report)
        return report


def explanation_request(*, actor, report_id: int, summary: str, due_at: datetime) -> ExplanationRequest:
    _require_supervisor(actor)
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(_("Write the summary the department is to explain."))
    with transaction.atomic():
        report = _locked(report_id)
        if report.state != ReportState.VERIFYING:
            raise DomainError(_("Only a report being verified can be put to the department."))
        if due_at <= timezone.now():
            raise DomainError(_("The answer must be due in the future."))
        asked = ExplanationRequest.objects.create(report=report, department_id=report.department_id,
                                                  summary=summary, due_at=due_at, requested_by=actor)
        from accounts.models import User

        officials = User.objects.filter(is_active=True, memberships__department_id=report.department_id).distinct()
        # The notice names the request only, never the report.
        notify(event=Event.EXPLANATION_REQUESTED, users=list(officials), about=f"explanation:{asked.pk}",
               title=str(asked), path=asked.get_absolute_url())
        return asked


def explanation_answer(*, actor, request_id: int, answer: str) -> ExplanationRequest:
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the department's explanation."))
    with transaction.atomic():
        asked = ExplanationRequest.objects.select_for_update().get(pk=request_id)
        if asked.department_id not in user_department_ids(actor):
            raise ActionForbidden(_("Only the department asked can answer."))
        if asked.answered_at is not None:
            raise DomainError(_("This request has already been answered."))
        asked.answer, asked.answered_by, asked.answered_at = answer, actor, timezone.now()
        asked.save(update_fields=["answer", "answered_by", "answered_at"])
        return asked


def finding_record(*, actor, report_id: int, outcome: str, conclusion: str, notice: str = "",
                   publish_notice: bool = False, refer: bool = False, referral_note: str = "",
                   order_instructions: str = "", order_due_at: datetime | None = None) -> Finding:
    """Record the finding and its measures; stops the verification clock
    and tells the reporter."""
    _require_supervisor(actor)
    conclusion = (conclusion or "").strip()
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the finding."))
    if not conclusion:
        raise DomainError(_("Write the conclusion the reporter is told."))
    if publish_notice and not (notice or "").strip():
        raise DomainError(_("Write the notice to publish."))
    with transaction.atomic():
        report = _locked(report_id)
        if report.state != ReportState.VERIFYING:
            raise DomainError(_("Only a report being verified can get a finding."))
        now = timezone.now()
        order = None
        if (order_instructions or "").strip():
            if report.case_id is None:
                raise DomainError(_("A supervision order needs a linked case."))
            from supervision.services import order_issue

            order = order_issue(actor=actor, case_id=report.case_id, instructions=order_instructions,
                                due_at=order_due_at or now)
        finding = Finding.objects.create(
            report=report, outcome=outcome, conclusion=conclusion, order=order, notice=(notice or "").strip(),
            notice_published_at=now if publish_notice else None, referred_to_discipline=refer,
            referral_note=(referral_note or "").strip(), recorded_by=actor, recorded_at=now,
            department_id=report.department_id)
        report.state = ReportState.CONCLUDED
        report.save(update_fields=["state"])
        clocks_stop(subject=report, kinds=[ClockKind.REPORT_VERIFICATION], at=now, actor=actor)
        _tell_reporter(report)
        return finding


def _tell_reporter(report) -> None:
    if report.reporter_id:
        from django.urls import reverse

        notify(event=Event.REPORT_FINDING, users=[report.reporter], about=f"report:{report.pk}",
               title=str(report), path=reverse("oversight:mine_detail", kwargs={"report_id": report.pk}))


# --- the reporter's rating ----------------------------------------------------------------


def report_rate(*, report_id: int, rating: int, actor=None, secret: str | None = None) -> Report:
    """Once, after the finding: by the named reporter, or with the secret."""
    if rating not in range(1, 6):
        raise DomainError(_("Rate from 1 to 5."))
    with transaction.atomic():
        report = _locked(report_id)
        if report.reporter_id:
            allowed = actor is not None and report.reporter_id == actor.pk
        else:
            allowed = secret is not None and bool(report.secret_hash) and check_password(secret, report.secret_hash)
        if not allowed:
            raise ActionForbidden(_("Only the reporter can rate the handling."))
        if report.state not in (ReportState.CONCLUDED, ReportState.DECLINED):
            raise DomainError(_("The handling can be rated once it is finished."))
        if report.rating is not None:
            raise DomainError(_("You have already rated the handling."))
        report.rating, report.rated_at = rating, timezone.now()
        report.save(update_fields=["rating", "rated_at"])
        return report

