"""Form widgets for the busiest pages."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A <select> written in Python: Django's own renders a template per
    option, which was a third of the inbox page's rendering time (the
    filter form's ~60 options on every request). Same markup and
    attributes (id, required, aria-* added by the bound field); no option
    groups, which these forms do not use. Every value and label goes
    through html.escape."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')
