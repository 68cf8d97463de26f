"""Forms of the map: correcting a case's place, the public map's filters
with "near here", and the inbox's place filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from places import geometry
from places.conf import city_bounds
from publication.forms import PublicFilterForm
from responses.forms import CaseActionForm


def _coordinate(label, bound: int, required=True):
    return forms.DecimalField(label=label, required=required, max_digits=9, decimal_places=6, min_value=-bound,
                              max_value=bound, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))


class RelocateForm(CaseActionForm):
    latitude = _coordinate(_("Latitude"), 90)
    longitude = _coordinate(_("Longitude"), 180)
    reason = forms.CharField(label=_("Why the place is corrected"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields' ids must not clash with another panel's on the case page.
        self.auto_id = "relocate_%s"
        if self.case is not None and not self.is_bound:
            self.initial.update(latitude=self.case.latitude, longitude=self.case.longitude)


def clean_bbox(raw: str):
    if not raw:
        return None
    try:
        return geometry.parse_bbox(raw, limit=city_bounds())
    except ValueError:
        raise forms.ValidationError(_("Give the box as four numbers: west, south, east, north (degrees), "
                                      "inside the city.")) from None


class PublicMapForm(PublicFilterForm):
    """The public list's filters, and a place to look near."""

    near_latitude = _coordinate(_("Near: latitude"), 90, required=False)
    near_longitude = _coordinate(_("Near: longitude"), 180, required=False)

    def near(self) -> tuple[float, float] | None:
        if not self.is_valid():
            return None
        lat, lon = self.cleaned_data.get("near_latitude"), self.cleaned_data.get("near_longitude")
        if lat is None or lon is None or not city_bounds().contains(float(lat), float(lon)):
            return None
        return float(lat), float(lon)

    def list_query_string(self) -> str:
        """The filters the data endpoint takes (not the place)."""
        from urllib.parse import urlencode

        if not self.is_valid():
            return ""
        return urlencode({name: value for name, value in self.cleaned_data.items()
                          if value not in ("", None) and not name.startswith("near_")})


class MapDataForm(PublicFilterForm):
    bbox = forms.CharField(required=False, max_length=200)

    def clean_bbox(self):
        return clean_bbox(self.cleaned_data["bbox"])
