"""Forms for the people who handle cases. Each action's form carries the
case version it was drawn from, so acting on a stale page is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from petitions.forms import TreeChoiceField
from petitions.lifecycle import Status
from petitions.models import Kind, RejectionReason, Urgency
from petitions.reference import ReferenceChoices, rendering_key
from responses.models import Reply, ReturnVisit
from responses.selectors import InboxFilters, dispatchable_departments


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class CaseActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, case=None, user=None, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.initial["version"] = case.version


class SignForForm(CaseActionForm):
    pass


class DispatchForm(CaseActionForm):
    department = TreeChoiceField(label=_("Lead department (主办)"), queryset=Department.objects.none(),
                                 empty_label=_("Choose a department"))
    assisting = DepartmentMultipleChoiceField(
        label=_("Assisting departments (协办, optional)"), queryset=Department.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = dispatchable_departments()
        self.fields["assisting"].queryset = dispatchable_departments()


class RerouteForm(DispatchForm):
    note = forms.CharField(label=_("Note for the record"), required=False, max_length=500)


class ReasonForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class NoteForm(CaseActionForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RejectForm(CaseActionForm):
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=RejectionReason.objects.filter(is_active=True),
                                    empty_label=_("Choose a reason"))
    note = forms.CharField(label=_("Explanation for the citizen (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(CaseActionForm):
    into = forms.CharField(label=_("Tracking number of the earlier case"), max_length=40)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class AssignForm(CaseActionForm):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False,
                                      empty_label=_("Nobody (unassigned)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from responses.selectors import colleagues_of_case

        self.fields["assignee"].queryset = colleagues_of_case(self.case)
        if not self.is_bound:
            self.initial["assignee"] = self.user.pk if self.user else None


class MaterialRequestForm(CaseActionForm):
    message = forms.CharField(label=_("What do you need from the citizen?"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class MaterialAddForm(CaseActionForm):
    answer = forms.CharField(label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Attachment (optional): an image or a PDF"), required=False)

    def clean_attachment(self):
        from petitions.attachments import attachment_content_type

        upload = self.cleaned_data.get("attachment")
        if upload:
            attachment_content_type(upload)
        return upload or None


class OpinionForm(CaseActionForm):
    opinion = forms.CharField(label=_("Your department's opinion"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(CaseActionForm):
    body = forms.CharField(label=_("Reply to the citizen"), widget=forms.Textarea(attrs={"rows": 8}),
                           max_length=Reply._meta.get_field("body").max_length)
    cite = forms.ModelMultipleChoiceField(label=_("Cite the assisting departments' opinions"), queryset=None,
                                          required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        opinions = self.case.assistances.exclude(opinion="").select_related("department") if self.case else None
        self.fields["cite"].queryset = opinions
        self.fields["cite"].label_from_instance = lambda item: f"{item.department}: {item.opinion[:80]}"
        if not self.is_bound:
            self.initial["cite"] = list(opinions) if opinions is not None else []
            if template is not None:
                self.initial["body"] = template.body
        if opinions is None or not opinions.exists():
            del self.fields["cite"]


class ApproveForm(CaseActionForm):
    pass


class ReturnVisitForm(CaseActionForm):
    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=ReturnVisit.Outcome.choices)
    resolved = forms.TypedChoiceField(
        label=_("Does the citizen say the problem was resolved?"), required=False, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("", _("not asked (citizen not reached)")), ("yes", _("Yes")), ("no", _("No"))],
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(CaseActionForm):
    confirm = forms.BooleanField(label=_("Yes, I withdraw this case."))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Tracking number or words in the title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices])
    # Ids from the cached option lists (petitions.reference), not querysets:
    # the inbox asks the database for its cases only.
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices])
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("Any")), ("day", _("Due within a day")), ("overdue", _("Overdue"))])
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": _("Choose an area from the list.")})
    bbox = forms.CharField(
        label=_("Box on the map (west, south, east, north)"), required=False, max_length=200,
        help_text=_("Filled by “Use the map's view” below; or type four numbers in degrees."),
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    assisting = forms.BooleanField(label=_("Cases we assist on"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("newest", _("Newest first")), ("oldest", _("Oldest first")), ("due", _("Due date"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = ReferenceChoices()
        self.fields["category"].choices = self.reference.tree("category", _("Any"))
        self.fields["region"].choices = self.reference.tree("region", _("Any"))
        from places.selectors import area_choices

        self.fields["area"].choices = area_choices(_("Any"))

    @property
    def rendering_key(self) -> str:
        from places.selectors import area_options

        return f"{rendering_key(self)}:{area_options()[0]}"

    def clean_bbox(self):
        from places.forms import clean_bbox

        return clean_bbox(self.cleaned_data["bbox"].strip())

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        data = self.cleaned_data
        return InboxFilters(
            status=data["status"], kind=data["kind"], urgency=data["urgency"], due=data["due"],
            category_id=data["category"], region_id=data["region"],
            assigned_to_me=data["mine"], assisting=data["assisting"], query=data["q"].strip(),
            area_id=data["area"], bbox=data["bbox"],
            sort=data["sort"] or "newest",
        )
