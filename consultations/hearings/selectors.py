"""Reads of hearings for the public page, the department and the API,
each a fixed number of queries."""

from django.db.models import Count, Q
from django.http import Http404

from consultations.hearings.models import ApplicationState, Hearing, HearingApplication


def hearings_of(consultation):
    """The consultation's hearings, soonest first, each with how many
    applied and how many were selected."""
    return (Hearing.objects.filter(consultation=consultation)
            .annotate(applied=Count("applications"),
                      selected=Count("applications", filter=Q(applications__state=ApplicationState.SELECTED)))
            .order_by("starts_at", "pk"))


def hearing_of(consultation, hearing_id) -> Hearing:
    hearing = hearings_of(consultation).filter(pk=hearing_id).first() if isinstance(hearing_id, int) else None
    if hearing is None:
        raise Http404("No hearing found")
    hearing.consultation = consultation
    return hearing


def own_application(user, hearing) -> HearingApplication | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return HearingApplication.objects.filter(hearing=hearing, applicant=user).first()


def applications_of(hearing, *, state: str = ""):
    """For the department: every application, oldest first (first come is
    the fair default order to read them in)."""
    applications = HearingApplication.objects.filter(hearing=hearing)
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("applicant", "decided_by").order_by("applied_at", "pk")


def applications_of_user(user):
    return (HearingApplication.objects.filter(applicant=user).select_related("hearing", "hearing__consultation")
            .order_by("-applied_at"))
