"""The hearings section of a consultation's public page, drawn by its own
tag so the page's view needs no change for it."""

from django import template

from consultations.hearings.selectors import hearings_of

register = template.Library()


@register.inclusion_tag("consultations/hearings/_section.html")
def hearings_section(consultation):
    return {"consultation": consultation, "hearings": list(hearings_of(consultation))}
