"""A case's deadline named by its clock, and its citizen's answer date, as
pages show them (supervision.deadlines). The cells are written in Python
so the inbox rows, written in Python too, show exactly the same markup."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from supervision import deadlines

register = template.Library()
NONE = mark_safe("—")


def _time(value) -> str:
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), local.strftime("%Y-%m-%d %H:%M"))


@register.simple_tag
def case_deadline(case):
    return deadlines.case_deadline(case)


@register.simple_tag
def answer_expected_by(case):
    return deadlines.answer_expected_by(case)


@register.simple_tag
def deadline_when(deadline) -> str:
    """The due time of a deadline, marked when it has passed or paused."""
    if deadline is None:
        return NONE
    if deadline.paused:
        return format_html('<span class="deadline-paused">{}</span>',
                           gettext("paused while waiting for the citizen's material"))
    if deadline.is_overdue():
        return format_html('{} <span class="overdue">{}</span>', _time(deadline.due_at),
                           gettext("past its due time"))
    return _time(deadline.due_at)


@register.simple_tag
def deadline_cell(case) -> str:
    """A table cell's content: the clock's name, then its due time."""
    deadline = deadlines.case_deadline(case)
    if deadline is None:
        return NONE
    return format_html('<span class="deadline-kind deadline-{}">{}</span> {}', deadline.kind, deadline.label,
                       deadline_when(deadline))


@register.simple_tag
def answer_when(answer, short=False) -> str:
    """The date the citizen can expect an answer, saying so when it is an
    estimate (`short`: in a word, for a table) or waits for their material."""
    if answer is None:
        return NONE
    if answer.waits_for_material:
        return format_html('<span class="deadline-paused">{}</span>',
                           gettext("counted again once you add the material asked for"))
    if not answer.estimate:
        return _time(answer.at)
    explained = gettext("estimate: each step still to come taking its full time limit")
    if short:
        return format_html('{} <span class="estimate" title="{}">{}</span>', _time(answer.at), explained,
                           gettext("(estimate)"))
    # Parentheses as the language writes them: full-width in Chinese.
    return format_html('{} <span class="estimate">{}</span>', _time(answer.at),
                       format_html(gettext("({text})"), text=explained))


@register.simple_tag
def answer_cell(case) -> str:
    return answer_when(deadlines.answer_expected_by(case), short=True)
