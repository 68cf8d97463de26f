"""Open311 GeoReport v2: which categories are offered as services and the
extra questions (attributes) each asks, the API keys of client
applications, and what a request sent through the API carried beyond the
case itself (location, media, attribute answers, its token)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models import Kind


class ServiceType(models.TextChoices):
    # The spec's three kinds: what a client gets back after posting.
    REALTIME = "realtime", _("realtime: the request id is returned at once")
    BATCH = "batch", _("batch: a token is returned, exchanged later for the request id")
    BLACKBOX = "blackbox", _("blackbox: no request id is returned")


class Service(models.Model):
    """How a category is offered through Open311. A category without one is
    offered with the defaults (realtime, no attributes, kind "request for
    help"), so setting up Open311 needs no data entry."""

    category = models.OneToOneField(
        "petitions.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="open311_service"
    )
    is_offered = models.BooleanField(
        _("offered through Open311"), default=True,
        help_text=_("Clear this to hide the category from Open311 clients."),
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Comma separated synonyms that help people find it.")
    )
    type = models.CharField(_("type"), max_length=10, choices=ServiceType.choices, default=ServiceType.REALTIME)
    case_kind = models.CharField(
        _("kind of case recorded"), max_length=20, choices=Kind.choices, default=Kind.HELP,
        help_text=_("Requests sent through Open311 become cases of this kind, which sets their deadlines."),
    )
    service_notice = models.TextField(
        _("service notice"), max_length=1000, blank=True,
        help_text=_("What will be done about a request, returned to the client after it is sent."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")
        ordering = ["category__code"]

    def __str__(self) -> str:
        return str(self.category)


class Datatype(models.TextChoices):
    STRING = "string", _("string (one line)")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("text (several lines)")
    SINGLEVALUELIST = "singlevaluelist", _("choose one from a list")
    MULTIVALUELIST = "multivaluelist", _("choose several from a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)

# Codes travel as attribute[code] in a form-encoded body: no brackets.
code_validator = RegexValidator(r"^[A-Za-z0-9_.-]+$", _("Use letters, digits, '.', '_' and '-' only."))


class ServiceAttribute(models.Model):
    """One question of a service definition, in the spec's terms."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE,
                                related_name="attributes")
    code = models.CharField(_("code"), max_length=50, validators=[code_validator])
    variable = models.BooleanField(
        _("asks for input"), default=True,
        help_text=_("Clear this for an attribute that only shows its description to the person reporting."),
    )
    datatype = models.CharField(_("type of answer"), max_length=20, choices=Datatype.choices,
                                default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("help on the answer's format"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), validators=[MinValueValidator(1)])
    description = models.TextField(_("question"), max_length=1000)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        ordering = ["service", "order"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="open311_unique_attribute_code"),
            models.UniqueConstraint(fields=["service", "order"], name="open311_unique_attribute_order"),
        ]

    def __str__(self) -> str:
        return f"{self.service} / {self.code}"


class AttributeValue(models.Model):
    """One option of a single- or multi-value list attribute."""

    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(_("key"), max_length=100, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["attribute", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "key"], name="open311_unique_value_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"


class ApiKey(models.Model):
    """A client application's key. Only its SHA-256 is stored: the key is
    256 random bits, so a fast hash is as safe as a slow one and lets each
    request find its key by an indexed lookup. The key itself is shown once,
    when an administrator creates it."""

    name = models.CharField(_("client application"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("system account"), on_delete=models.PROTECT,
        related_name="open311_keys",
        help_text=_("Recorded as who entered the cases this application sends."),
    )
    region = models.ForeignKey(
        "petitions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Open311 requests carry no region; cases sent with this key are filed under this one."),
    )
    cases_public = models.BooleanField(
        _("cases ask to be public"), default=False,
        help_text=_("Set only if the application tells its users that their reports are published "
                    "(after moderation)."),
    )
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceRequest(models.Model):
    """What an Open311 request carried beyond the case: one per case sent
    through the API."""

    case = models.OneToOneField("petitions.Case", on_delete=models.CASCADE, related_name="open311")
    # PROTECT: which application sent a case stays known; retire a key by
    # making it inactive.
    api_key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT,
                                related_name="requests")
    token = models.CharField(_("token"), max_length=43, unique=True)
    lat = models.DecimalField(_("latitude"), max_digits=12, decimal_places=9, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=12, decimal_places=9, null=True, blank=True)
    address_id = models.CharField(_("address id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=1000, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    # {code: value or [values]}, as validated against the service definition.
    attributes = models.JSONField(_("attribute answers"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return str(self.case_id)
