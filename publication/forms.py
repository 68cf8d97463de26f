"""Forms of the public side: the filters and search of the public list, and
the moderator's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from petitions.forms import TreeChoiceField
from petitions.models import Case, Category, Kind, Region
from publication.models import PublicationRejectionReason, PublicStatus
from publication.selectors import PublicFilters


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = TreeChoiceField(label=_("Category"), required=False, queryset=Category.objects.none(),
                               empty_label=_("All categories"),
                               error_messages={"invalid_choice": _("Choose a category from the list.")})
    region = TreeChoiceField(label=_("Region"), required=False, queryset=Region.objects.none(),
                             empty_label=_("All regions"),
                             error_messages={"invalid_choice": _("Choose a region from the list.")})
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=Department.objects.none(),
                                        empty_label=_("All departments"),
                                        error_messages={"invalid_choice": _("Choose a department from the list.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Answered or not")), *PublicStatus.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related("parent")
        self.fields["region"].queryset = Region.objects.filter(is_active=True).select_related("parent")
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("code")

    def filters(self) -> PublicFilters:
        if not self.is_valid():
            return PublicFilters()
        data = self.cleaned_data
        return PublicFilters(
            query=data["q"].strip(),
            category_id=data["category"].pk if data["category"] else None,
            region_id=data["region"].pk if data["region"] else None,
            department_id=data["department"].pk if data["department"] else None,
            kind=data["kind"], status=data["status"],
        )


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
