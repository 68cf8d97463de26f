"""Deadlines as supervision records: the working-day calendar, the policy
that sets each limit, and the clocks that run on every case."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day that breaks the weekly rule: a public holiday on a weekday, or a
    make-up working day (调休) on a weekend. Every other Monday to Friday is
    a working day and every other Saturday and Sunday is not."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        MAKEUP_WORKDAY = "makeup_workday", _("make-up working day (调休)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKDAY


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have been entered. Deadline
    arithmetic warns when it reaches a year that is not here."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
