"""The live interviews panel of the supervisors' dashboard, included by its
template without its view having to know about interviews."""

from django import template

from interviews.selectors import interview_figures

register = template.Library()


@register.inclusion_tag("interviews/dashboard_panel.html")
def interviews_panel(form):
    scope, _group, _sort = form.scope()
    return {"figures": interview_figures(start=scope.start, end=scope.end, department_id=scope.department_id)}
