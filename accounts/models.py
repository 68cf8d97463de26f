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
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
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


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who logs in: citizens and staff alike. Staff roles are
    groups (see accounts.roles); officials are users with a department."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
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

    def __str__(self) -> str:
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
