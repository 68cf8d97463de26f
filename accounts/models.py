"""People and the departments they work in."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.bilingual import BilingualNameModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email and not extra.get("phone"):
            raise ValueError("An e-mail address or a mobile number is required")
        user = self.model(email=self.normalize_email(email).lower() if email else None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class NotifyBy(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    BOTH = "both", _("E-mail and text message")


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who logs in: citizens and staff alike. Staff roles are
    groups (see accounts.roles); officials are users with a department."""

    # Empty (NULL) for an account opened with a mobile number alone.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    # E.164 (accounts.phones). Signs in, and links cases recorded with it,
    # only once confirmed by a texted code; unique among confirmed numbers.
    phone = models.CharField(_("mobile number"), max_length=30, blank=True)
    phone_confirmed_at = models.DateTimeField(_("mobile number confirmed"), null=True, blank=True)
    notify_by = models.CharField(_("notices about my cases by"), max_length=10, choices=NotifyBy.choices,
                                 default=NotifyBy.EMAIL, db_default=NotifyBy.EMAIL)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    notify_daily_digest = models.BooleanField(
        _("one daily e-mail digest instead of an e-mail per event"), default=False
    )
    # Few citizens write programs against the API: its tokens page is in
    # their menu only once they ask for it (staff always have it).
    show_api_tokens = models.BooleanField(_("show the API tokens page in my menu"), default=False,
                                          db_default=False)
    # The language the person last used the site in (at login, or when they
    # switch): their e-mails speak it, except a citizen's about their own
    # case, which speak the language they filed it in. Blank: not known
    # yet, the site's default.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
                                default="", db_default="")
    # When the person proved, by the link e-mailed to them, that the address
    # is theirs. Until then nothing is linked to the account by its address
    # (operator-recorded cases), and it sees only what it submitted itself.
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=models.Q(phone_confirmed_at__isnull=False),
                                    name="user_confirmed_phone_unique"),
        ]

    def __str__(self) -> str:
        if self.full_name or self.email:
            return self.full_name or self.email
        from accounts.phones import mask_phone

        return mask_phone(self.phone) if self.phone else f"#{self.pk}"

    @property
    def phone_confirmed(self) -> bool:
        return bool(self.phone) and self.phone_confirmed_at is not None

    @property
    def wants_sms(self) -> bool:
        return self.phone_confirmed and self.notify_by in (NotifyBy.SMS, NotifyBy.BOTH)

    @property
    def wants_email(self) -> bool:
        return bool(self.email) and self.notify_by in (NotifyBy.EMAIL, NotifyBy.BOTH)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Department(BilingualNameModel):
    """A node in the government's tree: city → district → street, or
    bureau → division."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    email = models.EmailField(_("inbox e-mail"), blank=True)
    requires_head_approval = models.BooleanField(
        _("replies need the head's approval"), default=False,
        help_text=_("When set, a reply is published only after a department head approves it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class DepartmentMembership(models.Model):
    """An official's place in a department; heads also approve replies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    is_head = models.BooleanField(_("department head"), default=False)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class PhoneCode(models.Model):
    """A six-digit code texted to a number, kept only as a keyed hash: valid
    for a few minutes, used once, and given up after a few wrong tries."""

    phone = models.CharField(max_length=30)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("texted code")
        verbose_name_plural = _("texted codes")
        indexes = [models.Index(fields=["phone", "-created_at"], name="phonecode_latest_idx")]

    def __str__(self) -> str:
        from accounts.phones import mask_phone

        return mask_phone(self.phone)
