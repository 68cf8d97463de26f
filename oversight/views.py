"""Pages of reports of misconduct: reporting and following (named or with
the secret), the supervisors' queue and handling, and the department's
explanation requests, which show only the supervisor's summary."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import Department
from oversight import selectors, services
from oversight.forms import AnswerForm, DeclineForm, ExplainForm, FindingForm, FollowForm, RateForm, ReportForm
from oversight.models import ReportCategory, ReportState
from oversight.permissions import (
    can_answer,
    get_evidence_for_supervisor,
    get_explanation_for_user,
    get_own_report,
    get_report_for_supervisor,
    is_supervisor,
)
from petitions.models import Case
from portal.addresses import ratelimit_key
from portal.errors import DomainError
from portal.pagination import paginate


@ratelimit(key=ratelimit_key, rate="10/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def report_new(request):
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many reports from your address. Wait a minute and try again."))
        elif form.is_valid():
            data = form.cleaned_data
            case = None
            if data.get("case"):
                case = Case.objects.filter(pk=data["case"], citizen=request.user).first()
            try:
                report, secret = services.report_submit(
                    actor=request.user, department=data["department"], category=data["category"], body=data["body"],
                    official=data["official"], case=case, files=data["evidence"],
                    anonymous=data.get("anonymous", False))
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if secret:
                    return render(request, "oversight/sent.html", {"report": report, "secret": secret})
                messages.success(request, _("Your report was sent to the supervisors."))
                return redirect("oversight:mine_detail", report_id=report.pk)
    return render(request, "oversight/report.html", {"form": form})


@ratelimit(key=ratelimit_key, rate="10/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def report_follow_view(request):
    """An anonymous report's progress by its number and secret; the same
    answer whichever of the two is wrong."""
    form = FollowForm(request.POST or None)
    report, status = None, 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many look-ups from your address. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            report = services.report_follow(tracking_number=form.cleaned_data["tracking_number"].strip(),
                                            secret=form.cleaned_data["secret"])
            if report is None:
                form.add_error(None, _("No report matches this number and secret."))
            elif "rating" in request.POST:
                rate = RateForm(request.POST)
                if rate.is_valid():
                    try:
                        report = services.report_rate(report_id=report.pk, rating=rate.cleaned_data["rating"],
                                                      secret=form.cleaned_data["secret"])
                        messages.success(request, _("Thank you for your rating."))
                    except DomainError as error:
                        messages.error(request, error.message)
    return render(request, "oversight/follow.html", {
        "form": form, "report": report, "finding": getattr(report, "finding", None) if report else None,
        "rate_form": RateForm()}, status=status)


@login_required
def my_reports(request):
    return render(request, "oversight/mine.html", {"page": paginate(request, selectors.reports_of(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def my_report(request, report_id: int):
    report = get_own_report(request.user, report_id)
    rate = RateForm(request.POST or None)
    if request.method == "POST" and rate.is_valid():
        try:
            services.report_rate(report_id=report.pk, rating=rate.cleaned_data["rating"], actor=request.user)
            messages.success(request, _("Thank you for your rating."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("oversight:mine_detail", report_id=report.pk)
    return render(request, "oversight/mine_detail.html", {
        "report": report, "finding": getattr(report, "finding", None), "rate_form": rate})


# --- supervisors ----------------------------------------------------------------------------


def _require_supervisor(request):
    if not is_supervisor(request.user):
        raise Http404("Not found")


@login_required
def queue(request):
    _require_supervisor(request)
    state, category = request.GET.get("state", ""), request.GET.get("category", "")
    department_id = request.GET.get("department", "")
    department_id = int(department_id) if department_id.isdigit() else None
    try:
        month = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = None
    reports = selectors.reports_for_supervisors(state, department_id=department_id, category=category, month=month)
    return render(request, "oversight/queue.html", {
        "page": paginate(request, reports), "state": state, "states": ReportState.choices,
        "category": category, "categories": ReportCategory.choices, "month": month,
        "department": Department.objects.filter(pk=department_id).first() if department_id else None})


@login_required
def report_detail(request, report_id: int):
    report = get_report_for_supervisor(request.user, report_id)
    services.log_read(actor=request.user, report=report, via="page")
    return render(request, "oversight/detail.html", {
        "report": report, "evidence": report.evidence.all(), "explanations": report.explanations.all(),
        "finding": getattr(report, "finding", None), "clock": selectors.verification_clock(report),
        "case_clocks": selectors.case_clocks(report.case) if report.case_id else [],
        "reads": selectors.reads_of(report, limit=20),
        "decline_form": DeclineForm(), "explain_form": ExplainForm(), "finding_form": FindingForm(),
    })


@login_required
def evidence_download(request, report_id: int, evidence_id: int):
    evidence = get_evidence_for_supervisor(request.user, report_id, evidence_id)
    services.log_read(actor=request.user, report=evidence.report, via="evidence")
    return evidence_response(evidence)


def evidence_response(evidence) -> FileResponse:
    """The file as a download, never shown inline: it is the reporter's,
    whatever it claims to be."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("Not found") from None
    response = FileResponse(handle, content_type=evidence.content_type, as_attachment=True,
                            filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


ACTIONS = {"accept", "decline", "explain", "finding"}


@login_required
@require_POST
def report_action(request, report_id: int, action: str):
    report = get_report_for_supervisor(request.user, report_id)
    if action not in ACTIONS:
        raise Http404("Not found")
    try:
        if action == "accept":
            services.report_accept(actor=request.user, report_id=report.pk)
        elif action == "decline":
            form = DeclineForm(request.POST)
            services.report_decline(actor=request.user, report_id=report.pk,
                                    reason=form.data.get("reason", ""))
        elif action == "explain":
            form = ExplainForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Write the summary and the date the explanation is due."))
            services.explanation_request(actor=request.user, report_id=report.pk, **form.cleaned_data)
        else:
            form = FindingForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose the finding and write the conclusion."))
            services.finding_record(actor=request.user, report_id=report.pk, **form.cleaned_data)
        messages.success(request, _("Done."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("oversight:detail", report_id=report.pk)


# --- the department ------------------------------------------------------------------------


@login_required
def explanation_list(request):
    requests = selectors.explanations_for(request.user)
    return render(request, "oversight/explanations.html", {"page": paginate(request, requests)})


@login_required
@require_http_methods(["GET", "POST"])
def explanation_detail(request, request_id: int):
    asked = get_explanation_for_user(request.user, request_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not can_answer(request.user, asked):
            raise Http404("Not found")
        if form.is_valid():
            try:
                services.explanation_answer(actor=request.user, request_id=asked.pk,
                                            answer=form.cleaned_data["answer"])
                messages.success(request, _("Your explanation was sent to the supervisors."))
                return redirect("oversight:explanation", request_id=asked.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    return render(request, "oversight/explanation.html", {
        "asked": asked, "form": form, "may_answer": can_answer(request.user, asked),
        "overdue": asked.answered_at is None and asked.due_at < timezone.now()})
