"""Forms of the interview pages; the API's serializers take the same fields.
They check shape only: the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from interviews.models import Interview, Question, QuestionState
from petitions.models import Category, Region
from publication.models import PublicationRejectionReason


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InterviewForm(forms.ModelForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.filter(is_active=True))
    category = forms.ModelChoiceField(label=_("Category of the cases"),
                                      queryset=Category.objects.filter(is_active=True),
                                      help_text=_("Questions not answered live become cases in this category."))
    region = forms.ModelChoiceField(label=_("Region of the cases"), queryset=Region.objects.filter(is_active=True))
    stream_url = forms.URLField(label=_("Video or audio stream"), required=False, assume_scheme="https",
                                help_text=_("Where the stream is hosted; the portal only links to it."))

    class Meta:
        model = Interview
        fields = ["title", "department", "guests", "starts_at", "ends_at", "description", "stream_url",
                  "category", "region"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "guests": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 5})}


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("A moderator reads it before it is published. If it is not answered "
                                       "live, it becomes a case for the department and you are told."))


class QuestionByEmailForm(QuestionForm):
    """Asking without an account: the address gets a link that confirms the
    question, and the case it may become is followed with it."""

    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    email = forms.EmailField(label=_("Your e-mail address"),
                             help_text=_("We e-mail you a link: the question goes to the moderators once you open "
                                         "it. It is never published."))
    field_order = ["name", "email", "body"]


class ScreenForm(forms.Form):
    """One waiting question's decision. The hosts' page shows one per
    waiting question: their lists of questions and reasons are read once
    for all of them (`merge_targets`, `reasons`), not once per form."""

    DECISIONS = [("publish", _("Publish")), ("merge", _("Merge into a similar question")), ("reject", _("Reject"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    body = forms.CharField(label=_("Text to publish"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Leave empty to publish it as asked."))
    into = forms.TypedChoiceField(label=_("Similar question"), required=False, coerce=int, empty_value=None)
    reason = forms.TypedChoiceField(label=_("Reason"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Explanation"), max_length=2000, required=False)

    def __init__(self, *args, merge_targets=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", "---------"), *((q.pk, q.body[:100]) for q in merge_targets)]
        self.reasons = {reason.pk: reason for reason in reasons}
        self.fields["reason"].choices = [("", "---------"), *((r.pk, str(r)) for r in reasons)]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "merge" and not data.get("into"):
            self.add_error("into", _("Choose the question to merge into."))
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose a reason."))
        data["reason"] = self.reasons.get(data.get("reason"))
        return data


def active_rejection_reasons() -> list:
    return list(PublicationRejectionReason.objects.filter(is_active=True))


class AnswerForm(forms.Form):
    question = forms.ModelChoiceField(label=_("Question answered"), queryset=Question.objects.none(),
                                      required=False, empty_label=_("None: a statement"))
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    body = forms.CharField(label=_("Answer or statement"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interview is not None:
            self.fields["question"].queryset = Question.objects.filter(interview=interview,
                                                                       state=QuestionState.PUBLISHED)
