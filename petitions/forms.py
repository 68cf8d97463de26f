"""Forms check the shape of what citizens send; services check its meaning."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.attachments import attachment_content_type
from petitions.models import Case, Category, Channel, Kind, Region, Urgency


class TreeChoiceField(forms.ModelChoiceField):
    """Shows a node with its parent, e.g. “城市管理 / 噪音”."""

    def label_from_instance(self, obj):
        if obj.parent_id:
            return f"{obj.parent.display_name} / {obj.display_name}"
        return obj.display_name


class CaseSubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=Kind.choices)
    category = TreeChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    region = TreeChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("Choose a region"),
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Title"), min_length=4, max_length=Case._meta.get_field("title").max_length)
    body = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 8}), min_length=10,
        max_length=Case._meta.get_field("body").max_length,
    )
    address = forms.CharField(label=_("Address or place (optional)"), required=False, max_length=200)
    # Filled by the map's pin when scripts run; typed by hand otherwise (WGS-84).
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"), required=False, max_digits=9, decimal_places=6, min_value=-180,
        max_value=180, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=30)
    wants_public = forms.BooleanField(
        label=_("I agree that this case and its answer may be published (without my name)."), required=False
    )
    attachment = forms.FileField(
        label=_("Attachment (optional): an image or a PDF"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = {"is_active": True}
        self.fields["category"].queryset = Category.objects.filter(**active).select_related("parent")
        self.fields["region"].queryset = Region.objects.filter(**active).select_related("parent")
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        cleaned = super().clean()
        # A petition gathers co-signatures on the public side, so it must be public.
        if cleaned.get("kind") == Kind.PETITION and not cleaned.get("wants_public"):
            self.add_error("wants_public", _("A petition is published for others to sign: tick this box to file one."))
        if "latitude" in cleaned and "longitude" in cleaned:
            from places.services import checked_point
            from portal.errors import DomainError

            try:
                checked_point(cleaned["latitude"], cleaned["longitude"])
            except DomainError as error:
                self.add_error("latitude", error.message)
        return cleaned

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            attachment_content_type(upload)  # raises a ValidationError saying what is wrong
        return upload or None


class CaseRecordForm(CaseSubmitForm):
    """What an operator types while the citizen is on the phone or at the desk."""

    channel = forms.ChoiceField(label=_("How the case came in"),
                                choices=[(channel, channel.label) for channel in (Channel.PHONE, Channel.WALK_IN)])
    contact_name = forms.CharField(label=_("Citizen's name"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Citizen's phone"), required=False, max_length=30,
        help_text=_("A mobile number gets the receipt with the tracking number by text at once."),
    )
    contact_email = forms.EmailField(label=_("Citizen's e-mail (optional)"), required=False)
    wants_public = forms.BooleanField(
        label=_("The citizen agrees that the case and its answer may be published (without their name)."),
        required=False,
    )

    field_order = ["channel", "contact_name", "contact_phone", "contact_email"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contact_phone") and not cleaned.get("contact_email"):
            self.add_error(
                "contact_phone", _("Give an e-mail address or a phone number, so the department can answer.")
            )
        return cleaned


class CaseLookupForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
    # Named "email" for the pages and programs that post it; takes either.
    email = forms.CharField(label=_("E-mail address or mobile number given with the case"), max_length=254)

    def clean_email(self):
        from django.core.validators import validate_email

        from accounts.phones import normalise_phone

        value = self.cleaned_data["email"].strip()
        if "@" in value:
            validate_email(value)
            return value.lower()
        phone = normalise_phone(value)
        if phone is None:
            raise forms.ValidationError(_("Enter the e-mail address or the mobile number given with the case."))
        return phone
