"""Forms of the public side: the filters and search of the public list, and
the moderator's decision."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.models import Case, Kind
from petitions.reference import ReferenceChoices, rendering_key
from publication.models import PublicationRejectionReason, PublicStatus
from publication.selectors import PublicFilters


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    # Ids from the cached option lists (petitions.reference), not querysets.
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None,
                                      error_messages={"invalid_choice": _("Choose a category from the list.")})
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None,
                                    error_messages={"invalid_choice": _("Choose a region from the list.")})
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None,
                                        error_messages={"invalid_choice": _("Choose a department from the list.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Answered or not")), *PublicStatus.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = ReferenceChoices()
        self.fields["category"].choices = self.reference.tree("category", _("All categories"))
        self.fields["region"].choices = self.reference.tree("region", _("All regions"))
        self.fields["department"].choices = self.reference.flat("department", _("All departments"))

    @property
    def rendering_key(self) -> str:
        return rendering_key(self)

    def filters(self) -> PublicFilters:
        if not self.is_valid():
            return PublicFilters()
        data = self.cleaned_data
        return PublicFilters(
            query=data["q"].strip(), category_id=data["category"], region_id=data["region"],
            department_id=data["department"], kind=data["kind"], status=data["status"],
        )

    def query_string(self) -> str:
        """The filters as they apply, for the page links: what was sent,
        less what is empty or was refused."""
        if not self.is_valid():
            return ""
        return urlencode({name: value for name, value in self.cleaned_data.items() if value not in ("", None)})


class ApproveForm(forms.Form):
    """The texts the public will read, shown already redacted by the first
    pass; the moderator corrects them."""

    title = forms.CharField(label=_("Public title"), max_length=Case._meta.get_field("title").max_length)
    body = forms.CharField(label=_("Public details"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    answer = forms.CharField(label=_("Public answer"), required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 8}))


class RejectForm(forms.Form):
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=PublicationRejectionReason.objects.none(),
                                    empty_label=_("Choose a reason"),
                                    error_messages={"required": _("Choose a reason from the list."),
                                                    "invalid_choice": _("Choose a reason from the list.")})
    note = forms.CharField(label=_("Explanation (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = PublicationRejectionReason.objects.filter(is_active=True)


class AuthorNameForm(forms.Form):
    show_author_name = forms.BooleanField(label=_("Show my name on the public page of this case"), required=False)
