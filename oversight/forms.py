"""Forms of the reporting and handling pages: shape only; the services
check meaning."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from oversight.models import Outcome, ReportCategory
from petitions.attachments import attachment_content_type

MAX_EVIDENCE_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise ValidationError(_("Attach at most %(count)s files.") % {"count": MAX_EVIDENCE_FILES})
        return [(upload, attachment_content_type(super(EvidenceField, self).clean(upload, initial)))
                for upload in uploads]


class ReportForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department reported"), queryset=Department.objects.none(),
                                        empty_label=_("Choose a department"))
    official = forms.CharField(label=_("Official (name or description, optional)"), required=False,
                               max_length=200)
    category = forms.ChoiceField(label=_("What happened"), choices=ReportCategory.choices)
    body = forms.CharField(label=_("Account of what happened"), widget=forms.Textarea(attrs={"rows": 8}),
                           min_length=10, max_length=10000)
    case = forms.ChoiceField(label=_("One of your cases it concerns (optional)"), required=False)
    evidence = EvidenceField(label=_("Evidence (images or PDF, optional)"), required=False,
                             help_text=_("Only supervisors can open these files."))
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False,
                                   help_text=_("You get a tracking number and a secret to follow the report."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("name")
        if getattr(user, "is_authenticated", False):
            from petitions.models import Case

            own = Case.objects.filter(citizen=user).order_by("-submitted_at").values_list(
                "pk", "tracking_number", "title")[:50]
            self.fields["case"].choices = [("", "—"), *((pk, f"{number} {title}") for pk, number, title in own)]
        else:
            del self.fields["case"]
            del self.fields["anonymous"]


class FollowForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=24)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=True))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating of the handling"), coerce=int,
                                    choices=[(n, str(n)) for n in range(1, 6)])


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class ExplainForm(forms.Form):
    summary = forms.CharField(label=_("Summary for the department"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000,
                              help_text=_("The department sees only this: leave out the reporter and anything "
                                          "that could identify them."))
    due_at = forms.DateTimeField(label=_("Explanation due"),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The department's explanation"), widget=forms.Textarea(attrs={"rows": 6}),
                             max_length=10000)


class FindingForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Finding"), choices=Outcome.choices)
    conclusion = forms.CharField(label=_("Conclusion told to the reporter"),
                                 widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                                 help_text=_("The finding and the measures; no names of officials disciplined."))
    order_instructions = forms.CharField(label=_("Supervision order on the linked case (optional)"),
                                         required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    order_due_at = forms.DateTimeField(label=_("Order answer due"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    notice = forms.CharField(label=_("Written notice (通报, optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    publish_notice = forms.BooleanField(label=_("Publish the notice on the department's public page"),
                                        required=False)
    refer = forms.BooleanField(label=_("Refer to discipline inspection"), required=False)
    referral_note = forms.CharField(label=_("Referral note"), required=False, max_length=2000)
