"""The reports panel of the supervisors' dashboard and the notices section
of a department's public page, included by their templates."""

from django import template

from oversight.models import Report, ReportState
from oversight.selectors import patterns, published_notices, substantiated_count

register = template.Library()


@register.inclusion_tag("oversight/dashboard_panel.html")
def oversight_panel(form):
    scope, _group, _sort = form.scope()
    return {"rows": patterns(start=scope.start, end=scope.end, department_id=scope.department_id),
            "waiting": Report.objects.filter(state=ReportState.SUBMITTED).count()}


@register.inclusion_tag("oversight/scorecard_section.html")
def oversight_scorecard(department):
    return {"notices": list(published_notices(department)), "substantiated": substantiated_count(department)}
