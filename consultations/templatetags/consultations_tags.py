"""The feedback report clock on the supervisors' dashboard and on a
department's public scorecard, included by their templates without their
views having to know about consultations."""

from django import template

from consultations.selectors import department_report_figures, report_clock_figures

register = template.Library()


@register.inclusion_tag("consultations/dashboard_panel.html")
def consultations_panel(form):
    scope, _group, _sort = form.scope()
    return {"figures": report_clock_figures(start=scope.start, end=scope.end, department_id=scope.department_id)}


@register.inclusion_tag("consultations/scorecard_section.html")
def consultations_scorecard(department):
    return {"figures": department_report_figures(department), "department": department}
