"""The inbox table's rows, written in Python as the admin's change list
writes its cells (django.contrib.admin.templatetags.admin_list): the same
markup as a template loop at a fraction of its cost (25 rows through the
template engine were 12 ms of the page's 20, bench/RESULTS.md, issue 7).
Every value goes through html.escape (Django's escape is the same call
behind a lazy-string wrapper that costs more than the escaping)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from petitions.lifecycle import Status
from petitions.models import Urgency
from supervision.templatetags.deadline_tags import deadline_cell

register = template.Library()
URL_ID = 987654321  # a stand-in id, replaced by each case's


def _time(value, zone) -> str:
    """What <time datetime="{{ value|date:'c' }}">{{ value|date:"Y-m-d H:i" }}</time> shows: local time."""
    if value is None:
        return "—"
    local = value.astimezone(zone)
    return f'<time datetime="{escape(local.isoformat())}">{local:%Y-%m-%d %H:%M}</time>'


@register.simple_tag
def inbox_rows(page):
    """The rows of the inbox table: a checkbox to sign for a dispatched case,
    its number linking to the case page, title, status, urgency, assignee,
    submission time and the deadline named by its clock. Case fields read:
    responses.selectors.INBOX_PAGE_COLUMNS."""
    if not page:
        return mark_safe(f'<tr><td colspan="8">{escape(gettext("No cases to show."))}</td></tr>')
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    urgencies = {value: escape(str(label)) for value, label in Urgency.choices}
    zone = timezone.get_current_timezone()
    # Case URLs differ only in the id: one reverse() for the page.
    url_of = reverse("petitions:case_detail", args=[URL_ID]).replace(str(URL_ID), "{}").format
    rows = []
    for case in page:
        pk, number, status, urgency = case.pk, escape(case.tracking_number), case.status, case.urgency
        pick = ""
        if status == Status.DISPATCHED:
            label = escape(gettext("Select %(number)s") % {"number": case.tracking_number})
            pick = f'<input type="checkbox" name="case" value="{pk}" id="pick-{pk}" aria-label="{label}">'
        url = escape(url_of(pk))
        assignee = escape(str(case.assigned_to)) if case.assigned_to_id else "—"
        rows.append(
            f'<tr class="urgency-{escape(urgency)}"><td>{pick}</td><td><a href="{url}">{number}</a></td>'
            f"<td>{escape(case.title)}</td>"
            f'<td><span class="status status-{escape(status)}">{statuses.get(status) or escape(status)}</span></td>'
            f"<td>{urgencies.get(urgency) or escape(urgency)}</td><td>{assignee}</td>"
            f"<td>{_time(case.submitted_at, zone)}</td><td>{deadline_cell(case)}</td></tr>"
        )
    return mark_safe("\n".join(rows))
