import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from consultations.models import Adoption, Stance, WhoMayComment
from consultations.selectors import CommentCriteria
from petitions.models import Category
from publication.models import PublicationRejectionReason
from signatures.forms import DateTimeInput


class ConsultationForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    summary = forms.CharField(label=_("summary"), max_length=5000, required=False, widget=forms.Textarea)
    topic = forms.ModelChoiceField(label=_("topic"), queryset=Category.objects.filter(is_active=True),
                                   required=False)
    text = forms.CharField(label=_("text of the draft"), max_length=200000, widget=forms.Textarea,
                           help_text=_("Paste the draft: it is split into sections at each 第X章, 第X条 or "
                                       "numbered line."))
    who_may_comment = forms.ChoiceField(label=_("who may comment"), choices=WhoMayComment.choices)
    comments_public = forms.BooleanField(label=_("publish comments after moderation"), required=False,
                                         initial=True)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class TextForm(forms.Form):
    text = forms.CharField(label=_("text of the draft"), max_length=200000, widget=forms.Textarea)
    reason = forms.CharField(label=_("reason for the correction"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("comments open (empty: now)"), required=False)
    closes_at = forms.DateTimeField(label=_("comments close (empty: 30 days later)"), required=False)
    short_window_reason = forms.CharField(label=_("reason for a shorter window"), max_length=2000,
                                          required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("PDF file"))


class CommentForm(forms.Form):
    section = forms.TypedChoiceField(label=_("on"), coerce=int, required=False, empty_value=None)
    quote = forms.CharField(label=_("quoted passage (optional)"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    stance = forms.ChoiceField(label=_("stance"), choices=Stance.choices, required=False)
    body = forms.CharField(label=_("your comment"), max_length=5000, widget=forms.Textarea)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("the whole draft"))] + [
            (section.pk, section.heading or str(section.number)) for section in sections]


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("publish", _("publish")),
                                                               ("reject", _("do not publish"))])
    public_body = forms.CharField(label=_("published text (personal data taken out)"), max_length=5000,
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.ModelChoiceField(label=_("reason"), required=False,
                                    queryset=PublicationRejectionReason.objects.filter(is_active=True))


class FeedbackForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("decision"), choices=Adoption.choices)
    reason = forms.CharField(label=_("reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("overall summary of the feedback"), max_length=10000, widget=forms.Textarea)


class InvalidationForm(forms.Form):
    """The criteria of a bulk invalidation of comments. Sent once to preview
    how many comments match, then again with `confirm` to invalidate them."""

    consultation = forms.IntegerField(label=_("Consultation number (optional)"), required=False, min_value=1,
                                      help_text=_("Leave empty to match comments on every consultation."))
    ip_address = forms.GenericIPAddressField(label=_("Client address (IP)"), required=False)
    submitted_from = forms.DateTimeField(label=_("Sent from"), required=False, widget=DateTimeInput())
    submitted_until = forms.DateTimeField(label=_("Sent before"), required=False, widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required to invalidate; kept with the record of this invalidation."))

    def clean_ip_address(self):
        value = self.cleaned_data["ip_address"]
        return str(ipaddress.ip_address(value)) if value else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_until")
        if start and end and start >= end:
            self.add_error("submitted_until", _("The end of the range must come after its start."))
        if not self.errors and not any(cleaned.get(name) for name in
                                       ("ip_address", "submitted_from", "submitted_until")):
            raise forms.ValidationError(_("Choose an address or a time range: not every comment at once."))
        return cleaned

    def criteria(self) -> CommentCriteria:
        data = self.cleaned_data
        return CommentCriteria(consultation_id=data.get("consultation"), ip_address=data.get("ip_address"),
                               submitted_from=data.get("submitted_from"),
                               submitted_until=data.get("submitted_until"))


def row_id(value) -> int | None:
    """An id sent by a page, or None: a number no row can have (negative,
    or past the columns' range) is no choice, not an error."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None
