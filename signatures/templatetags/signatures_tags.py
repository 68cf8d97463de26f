"""The hot-topics panel, included by the supervisors' dashboard without
its view having to know about surge alerts."""

from django import template

from signatures.selectors import open_surge_alerts

register = template.Library()


@register.inclusion_tag("signatures/hot_topics.html")
def hot_topics():
    return {"surge_alerts": open_surge_alerts()}
