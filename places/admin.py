from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from places import geometry
from places.conf import map_config
from places.models import Area, CaseRelocation
from places.services import area_prepare, area_save
from portal.admin_mixins import ReadOnlyAdminMixin


class AreaForm(forms.ModelForm):
    boundary_file = forms.FileField(
        label=_("Or upload a GeoJSON file"), required=False,
        help_text=_("A Polygon, MultiPolygon, Feature or FeatureCollection in WGS-84 longitude, latitude. "
                    "It replaces the boundary above."),
    )

    class Meta:
        model = Area
        fields = ["code", "name", "name_en", "kind", "parent", "region", "boundary", "is_active"]
        help_texts = {"boundary": _("GeoJSON, WGS-84. With scripts on, click the map below to draw the outline "
                                    "point by point.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The drawing map (static/js/places-admin.js) reads the tile server and the city from here.
        self.fields["boundary"].widget.attrs.update({"data-map-config": map_config(),
                                                    "data-text-undo": _("Undo the last point")})

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("boundary_file")
        if upload:
            if upload.size > 5 * 1024 * 1024:
                raise ValidationError(_("The GeoJSON file is larger than 5 MB."))
            cleaned["boundary"] = upload.read().decode("utf-8", errors="replace")
            self.instance.boundary = cleaned["boundary"]
        if cleaned.get("boundary") is not None:
            try:
                probe = Area(boundary=cleaned["boundary"])
                area_prepare(probe)
            except geometry.GeometryError as error:
                self.add_error("boundary_file" if upload else "boundary",
                               _("This is not a boundary we can use: %(problem)s.") % {"problem": error})
            else:
                cleaned["boundary"] = probe.boundary
        return cleaned

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "css/places.css"]}
        js = ["vendor/leaflet/leaflet.js", "js/places-coords.js", "js/places-admin.js"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    form = AreaForm
    list_display = ["code", "name", "name_en", "kind", "parent", "region", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "region"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        obj.boundary = form.cleaned_data["boundary"]
        area_save(actor=request.user, area=obj, reason="changed" if change else "added")


@admin.register(CaseRelocation)
class CaseRelocationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "latitude", "longitude", "moved_by", "moved_at"]
    list_select_related = ["case", "moved_by"]
