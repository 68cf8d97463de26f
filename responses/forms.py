"""Forms for officials and dispatchers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.forms import TreeChoiceField
from petitions.lifecycle import Status
from responses.models import Reply
from responses.selectors import dispatchable_departments


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the citizen"), widget=forms.Textarea(attrs={"rows": 8}),
        max_length=Reply._meta.get_field("body").max_length,
    )


class DispatchForm(forms.Form):
    department = TreeChoiceField(label=_("Lead department"), queryset=None, empty_label=_("Choose a department"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = dispatchable_departments()


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
