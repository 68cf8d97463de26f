"""Pages for supervisors: every case, the dashboard of rates with its trend
and drill-down, exports, and the deadlines closest to breach."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Department
from accounts.roles import Role, has_role
from petitions.models import Category, Region
from places.selectors import heat_cells
from portal.pagination import paginate
from portal.queue import enqueue_on_commit
from responses.forms import StatusFilterForm
from supervision.charts import line_chart
from supervision.exports import rate_header, rate_rows, write_csv, write_xlsx
from supervision.forms import DashboardForm, drill_scope
from supervision.metrics import Scope, breached_open, cases_behind, near_breach, rates_by
from supervision.models import ExportJob, Extension
from supervision.selectors import case_overview, export_job_for

LABEL_MODELS = {"department": Department, "category": Category, "region": Region}
HEAT_TABLE_ROWS = 20


def _require_supervisor(request):
    if not has_role(request.user, Role.SUPERVISOR):
        raise PermissionDenied


@login_required
def overview(request):
    _require_supervisor(request)
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    page = paginate(request, case_overview(status=status))
    return render(request, "supervision/overview.html", {"page": page, "filters": filters, "status": status or "",
                                                         "query": f"status={status}" if status else ""})


def _dashboard_data(request):
    form = DashboardForm(request.GET or None)
    scope, group, sort = form.scope()
    now = timezone.now()
    rows = rates_by(scope, group=group, now=now)
    labels = {item.pk: str(item) for item in LABEL_MODELS[group].objects.filter(pk__in=[row.key for row in rows])}
    rows.sort(key=lambda rates: (getattr(rates, sort) is None, -(getattr(rates, sort) or 0)))
    return form, scope, group, sort, rows, labels, now


@login_required
def dashboard(request):
    _require_supervisor(request)
    form, scope, group, sort, rows, labels, now = _dashboard_data(request)
    trend_scope = Scope(start=max(scope.start, scope.end - datetime.timedelta(days=366)), end=scope.end,
                        department_id=scope.department_id, category_id=scope.category_id, region_id=scope.region_id)
    months = rates_by(trend_scope, now=now, by_month=True)
    month_labels = [timezone.localtime(row.key).strftime("%Y-%m") if row.key else "—" for row in months]
    chart = line_chart(
        title=_("Monthly trend"),
        labels=month_labels,
        series=[(_("Response rate"), [row.response_rate for row in months]),
                (_("On-time reply rate"), [row.on_time_rate for row in months]),
                (_("Satisfaction rate"), [row.satisfaction_rate for row in months])],
    )
    query = request.GET.copy()
    base = {"start": timezone.localtime(scope.start).date().isoformat(),
            "end": (timezone.localtime(scope.end).date() - datetime.timedelta(days=1)).isoformat()}
    context = {
        "form": form, "rows": [(labels.get(row.key, "—"), row) for row in rows], "group": group,
        "months": list(zip(month_labels, months, strict=True)), "chart": chart,
        "near_breach": near_breach(now=now, limit=10, department_id=scope.department_id),
        "breached": breached_open(limit=10, department_id=scope.department_id),
        "pending_extensions": Extension.objects.filter(state=Extension.State.PENDING)
        .select_related("clock__case", "clock__department", "requested_by").order_by("requested_at")[:20],
        "query": query.urlencode(), "drill_base": base,
        # The heat map's busiest squares as a table; the map reads the same from the API (places).
        "heat_cells": heat_cells(scope)[:HEAT_TABLE_ROWS],
    }
    return render(request, "supervision/dashboard.html", context)


@login_required
def dashboard_export(request, fmt: str):
    _require_supervisor(request)
    _form, _scope, group, _sort, rows, labels, _now = _dashboard_data(request)
    table = rate_rows(rows, labels)
    if fmt == "csv":
        response = HttpResponse(write_csv(rate_header(group), table), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            write_xlsx(rate_header(group), table, title=_("Rates")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="wenzheng-rates-by-{group}.{fmt}"'
    return response


def _drill_scope(request):
    try:
        return drill_scope(request.GET)
    except ValueError:
        raise Http404("Unknown figure") from None


@login_required
def drill_down(request):
    """The cases behind one number of the dashboard."""
    _require_supervisor(request)
    metric, scope = _drill_scope(request)
    page = paginate(request, cases_behind(scope, metric, now=timezone.now()))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/drill_down.html", {
        "page": page, "metric": metric, "query": query.urlencode(), "scope": scope,
        "figure": METRIC_LABELS.get(metric, metric), "scope_names": _scope_names(scope),
        "period": (timezone.localtime(scope.start).date(),
                   timezone.localtime(scope.end).date() - datetime.timedelta(days=1)),
    })


# What each figure behind a drill-down counts, as its page names it.
METRIC_LABELS = {
    "dispatched": gettext_lazy("Cases dispatched"), "sign_for_due": gettext_lazy("Cases whose sign-for came due"),
    "signed_in_time": gettext_lazy("Cases signed for in time"), "returned": gettext_lazy("Cases returned (退单)"),
    "replies_due": gettext_lazy("Cases whose reply came due"),
    "replied_in_time": gettext_lazy("Cases replied to in time"),
    "overdue": gettext_lazy("Cases that missed a deadline"), "evaluated": gettext_lazy("Cases the citizen rated"),
    "resolved": gettext_lazy("Cases the citizen said were resolved"),
    "satisfied": gettext_lazy("Cases the citizen was satisfied or basically satisfied with"),
    "reopened": gettext_lazy("Cases reopened for re-handling"),
}


def _scope_names(scope) -> list[tuple[str, str]]:
    """(what, name) for the department, category and region a drill-down is limited to."""
    names = []
    for label, model, pk in ((_("Department"), Department, scope.department_id),
                             (_("Category"), Category, scope.category_id), (_("Region"), Region, scope.region_id)):
        if pk is not None:
            found = model.objects.filter(pk=pk).first()
            names.append((label, str(found) if found else "—"))
    return names


@login_required
@require_POST
def export_start(request):
    """Start writing the cases behind a number to a file, in the background."""
    _require_supervisor(request)
    fmt = request.POST.get("format")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    parameters = {key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", "format")}
    job = ExportJob.objects.create(requested_by=request.user, parameters=parameters, format=fmt)
    from supervision.tasks import run_export

    enqueue_on_commit(run_export, job.pk)
    return redirect("supervision:export_status", job_id=job.pk)


@login_required
def export_status(request, job_id: int):
    job = export_job_for(request.user, job_id)
    template = "supervision/export_progress.html" if request.headers.get("HX-Request") else "supervision/export.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, job_id: int):
    job = export_job_for(request.user, job_id, done=True)
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):  # removed from disk, or never written
        raise Http404("No export found") from None
    return FileResponse(handle, as_attachment=True, filename=f"wenzheng-cases-{job.pk}.{job.format}")


@login_required
def deadlines(request):
    """The running clocks closest to breach, and the breached ones still open."""
    _require_supervisor(request)
    now = timezone.now()
    return render(request, "supervision/deadlines.html", {
        "near_breach": near_breach(now=now, limit=100), "breached": breached_open(limit=100), "now": now,
        "dashboard_url": reverse("supervision:dashboard"),
    })
