"""The hearings section of a consultation's public page and its link to
the comment export, drawn by their own tags so the page's view needs no
change for them."""

from django import template

from consultations.hearings.selectors import hearings_of

register = template.Library()


@register.inclusion_tag("consultations/hearings/_section.html")
def hearings_section(consultation):
    return {"consultation": consultation, "hearings": list(hearings_of(consultation))}


@register.inclusion_tag("consultations/exports/_link.html", takes_context=True)
def comment_export_link(context, consultation):
    """The way to the comment export, for those who may use it (supervisors
    have no management page to find it on)."""
    from consultations.exports.selectors import can_export

    request = context.get("request")
    return {"consultation": consultation, "shown": request is not None and can_export(request.user, consultation)}
