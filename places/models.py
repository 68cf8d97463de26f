"""Areas: districts, street offices' patches and any other polygon an
administrator draws or uploads, kept as GeoJSON with its bounding box in
columns (an index on them finds the candidates for a point)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from places import geometry
from portal.bilingual import BilingualNameModel


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("district")
    STREET = "street", _("street (sub-district)")
    OTHER = "other", _("other area")


class Area(BilingualNameModel):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices, default=AreaKind.OTHER)
    parent = models.ForeignKey("self", verbose_name=_("within"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    region = models.ForeignKey("petitions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="areas")
    # A GeoJSON MultiPolygon in WGS-84 (places.geometry.normalised_geometry).
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    # Kept equal to the boundary's box by places.services.area_save.
    south = models.FloatField(editable=False)
    west = models.FloatField(editable=False)
    north = models.FloatField(editable=False)
    east = models.FloatField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["boundary"])

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [
            # The areas whose box holds a point: a range on south, the rest checked on few rows.
            models.Index(fields=["south", "north", "west", "east"], name="area_bbox_idx",
                         condition=models.Q(is_active=True)),
        ]

    def contains(self, lat: float, lon: float) -> bool:
        return (self.south <= lat <= self.north and self.west <= lon <= self.east
                and geometry.contains_point(self.boundary, lat, lon))

    @property
    def bounds(self) -> geometry.Bounds:
        return geometry.Bounds(south=self.south, west=self.west, north=self.north, east=self.east)

    @property
    def box_size(self) -> float:
        return (self.north - self.south) * (self.east - self.west)


class CaseRelocation(models.Model):
    """An official's correction of where a case is, with their reason."""

    # Indexed by case_relocation_idx (case first).
    case = models.ForeignKey("petitions.Case", on_delete=models.CASCADE, related_name="relocations", db_index=False)
    moved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)
    old_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    old_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    reason = models.TextField(_("reason"), max_length=1000)

    class Meta:
        verbose_name = _("correction of a case's place")
        verbose_name_plural = _("corrections of cases' places")
        ordering = ["moved_at", "id"]
        indexes = [models.Index(fields=["case", "moved_at"], name="case_relocation_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.latitude}, {self.longitude}"
