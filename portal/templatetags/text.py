"""Small pieces of text the pages share: Chinese terms on pages in another
language marked as Chinese (so screen readers pronounce them), and the
punctuation around a value, which Chinese writes full-width (地点：, （…）)."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

CHINESE_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


@register.filter
def chinese_marked(value):
    """The text, escaped, with each run of Chinese in a page of another
    language inside <span lang="zh-Hans">."""
    text = conditional_escape(value)
    if (get_language() or "").startswith("zh"):
        return text
    return mark_safe(CHINESE_RUN.sub(lambda match: f'<span lang="zh-Hans">{match.group(0)}</span>', str(text)))


@register.filter
def parenthesised(value):
    return format_html(gettext("({text})"), text=value)


@register.filter
def labelled(value):
    """A label followed by its colon: "Place:", "地点："."""
    return format_html(gettext("{label}:"), label=value)


@register.simple_tag
def colon():
    """The colon alone, after an element: ":" or "："."""
    return labelled("")
