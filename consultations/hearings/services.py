"""Every write of a hearing: announcing it, applying, the department's
selection (each decision recorded, refusals with their reason), and the
minutes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.hearings.models import ApplicationState, Hearing, HearingApplication
from consultations.models import Consultation, ConsultationState
from notifications.models import Event
from notifications.services import notify
from petitions.attachments import attachment_content_type
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed


def _must_manage(actor, consultation):
    if not permissions.can_draft(actor, consultation):
        raise ActionForbidden(_("Only the department's officials may manage its hearings."))


def hearing_announce(*, actor, consultation_id: int, starts_at: datetime.datetime, place: str, seats: int,
                     apply_until: datetime.datetime) -> Hearing:
    consultation = Consultation.objects.get(pk=consultation_id)
    _must_manage(actor, consultation)
    if consultation.state == ConsultationState.DRAFT:
        raise TransitionNotAllowed(_("Publish the consultation before announcing a hearing on it."))
    now = timezone.now()
    if not place.strip():
        raise DomainError(_("Say where the hearing takes place."))
    if seats < 1:
        raise DomainError(_("A hearing needs at least one seat for citizens."))
    if not now < apply_until <= starts_at:
        raise DomainError(_("Applications must close in the future, and no later than the hearing starts."))
    return Hearing.objects.create(consultation=consultation, starts_at=starts_at, place=place.strip(), seats=seats,
                                  apply_until=apply_until, announced_by=actor, announced_at=now)


def hearing_apply(*, actor, hearing_id: int, statement: str) -> HearingApplication:
    """A signed-in citizen applies once, until applications close."""
    if not getattr(actor, "is_authenticated", False):
        raise ActionForbidden(_("Sign in to apply."))
    hearing = Hearing.objects.select_related("consultation").get(pk=hearing_id)
    if not hearing.applications_open:
        raise TransitionNotAllowed(_("Applications for this hearing closed on %(date)s.")
                                   % {"date": timezone.localtime(hearing.apply_until).strftime("%Y-%m-%d %H:%M")})
    if not statement.strip():
        raise DomainError(_("Say in a few words what you wish to say at the hearing."))
    try:
        # The unique constraint, not a prior read, keeps two quick clicks to one application.
        with transaction.atomic():
            return HearingApplication.objects.create(hearing=hearing, applicant=actor, statement=statement.strip())
    except IntegrityError:
        raise DomainError(_("You have already applied for this hearing.")) from None


def application_decide(*, actor, application_id: int, select: bool, reason: str = "") -> HearingApplication:
    """Select an applicant (while seats remain) or refuse one with a reason.
    The department may change its mind until the hearing starts; each
    decision is kept in the history and told to the applicant."""
    if not select and not reason.strip():
        raise DomainError(_("Give the reason the applicant is not selected."))
    now = timezone.now()
    with transaction.atomic():
        application = HearingApplication.objects.select_related("hearing").get(pk=application_id)
        # The hearing's row is the lock: two officials selecting at once
        # cannot together fill more seats than there are.
        hearing = Hearing.objects.select_for_update().select_related("consultation").get(
            pk=application.hearing_id)
        _must_manage(actor, hearing.consultation)
        if hearing.applications_open:
            raise TransitionNotAllowed(_("Participants are selected once applications have closed."))
        if now >= hearing.starts_at:
            raise TransitionNotAllowed(_("The hearing has started: the selection no longer changes."))
        application = HearingApplication.objects.select_for_update().get(pk=application_id)
        state = ApplicationState.SELECTED if select else ApplicationState.REFUSED
        if application.state == state and application.reason == reason.strip():
            return application
        if select and application.state != ApplicationState.SELECTED:
            taken = hearing.applications.filter(state=ApplicationState.SELECTED).count()
            if taken >= hearing.seats:
                raise DomainError(_("All %(seats)d seats are taken: refuse someone selected first.")
                                  % {"seats": hearing.seats})
        application.state, application.reason = state, "" if select else reason.strip()
        application.decided_by, application.decided_at = actor, now
        application.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        consultation = hearing.consultation
        notify(event=Event.HEARING_SELECTED if select else Event.HEARING_REFUSED, users=[application.applicant],
               about=f"hearing-application:{application.pk}", occurrence=now.isoformat(),
               title=_("Hearing on “%(title)s”, %(date)s") % {
                   "title": consultation.title[:120],
                   "date": timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")},
               path=f"/consultations/{consultation.pk}/hearings/{hearing.pk}/")
    return application


def minutes_publish(*, actor, hearing_id: int, minutes: str, upload=None) -> Hearing:
    """Publish (or correct) the minutes once the hearing has taken place;
    the history keeps every earlier text."""
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().select_related("consultation").get(pk=hearing_id)
        _must_manage(actor, hearing.consultation)
        if timezone.now() < hearing.starts_at:
            raise TransitionNotAllowed(_("The minutes are published after the hearing."))
        if not minutes.strip():
            raise DomainError(_("Write the minutes of the hearing."))
        fields = ["minutes", "minutes_published_at"]
        if upload is not None:
            try:
                kind = attachment_content_type(upload)
            except ValidationError as error:
                raise DomainError(error.messages[0]) from error
            if kind != "application/pdf":
                raise DomainError(_("The minutes' file must be a PDF."))
            hearing.minutes_file = upload
            fields.append("minutes_file")
        hearing.minutes, hearing.minutes_published_at = minutes.strip(), timezone.now()
        hearing.save(update_fields=fields)
    return hearing
