"""Writes on cases that citizens (and operators on their behalf) make."""

import os
from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from notifications.models import Event
from notifications.services import notify_citizen
from petitions.attachments import attachment_content_type
from petitions.models import UNLINKED_OFFLINE, Attachment, Case, Channel, Kind, Urgency
from petitions.permissions import can_record_for_citizens
from petitions.tracking import new_tracking_number
from places.services import area_for_point, checked_point
from portal.errors import ActionForbidden, DomainError
from portal.queue import enqueue_on_commit
from responses.tasks import route_case
from supervision.clocks import clock_start
from supervision.models import ClockKind

TRACKING_NUMBER_ATTEMPTS = 5


def case_submit(
    *,
    actor,
    kind: str,
    category,
    region,
    title: str,
    body: str,
    contact_email: str = "",
    wants_public: bool = False,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    latitude=None,
    longitude=None,
    contact_name: str = "",
    contact_phone: str = "",
    channel: str = Channel.WEB,
    attachment=None,
    submission_key=None,
    language: str | None = None,
    recorded_by=None,
) -> tuple[Case, bool]:
    """Record a new case with its history, its dispatch clock (a supervision
    record from this moment) and the citizen's receipt, in one transaction,
    and route it once that has committed.

    Returns (case, created). The same submission_key posted again (a double
    click, a browser retry) returns the first case instead of a second one.
    """
    citizen = actor if getattr(actor, "is_authenticated", False) else None
    submitter = {"citizen": citizen, "recorded_by": recorded_by}
    if submission_key is not None:
        existing = _already_submitted(submission_key, **submitter)
        if existing is not None:
            return existing, False
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        raise DomainError(_("Give an e-mail address or a phone number, so the department can answer."))
    if kind == Kind.PETITION and not wants_public:
        # A petition gathers co-signatures on the public side (signatures app).
        raise DomainError(_("A petition is published for others to sign: agree to publication to file one."))
    content_type = attachment_content_type(attachment) if attachment is not None else None
    latitude, longitude = checked_point(latitude, longitude)
    fields = dict(
        kind=kind, channel=channel, category=category, region=region, urgency=urgency, title=title.strip(),
        body=body.strip(), address=address.strip(), latitude=latitude, longitude=longitude,
        area=area_for_point(latitude, longitude), wants_public=wants_public, contact_name=contact_name.strip(),
        contact_email=(contact_email or "").strip().lower(), contact_phone=_phone_form(contact_phone),
        language=language or get_language() or "zh-hans", submission_key=submission_key, **submitter,
    )
    for _attempt in range(TRACKING_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                case = Case(tracking_number=new_tracking_number(), submitted_at=timezone.now(), **fields)
                case._history_user = recorded_by or citizen
                case._change_reason = "submitted"
                case.save()
                clock_start(case=case, kind=ClockKind.DISPATCH, start=case.submitted_at, actor=recorded_by or citizen)
                if attachment is not None:
                    case.filed_attachment = Attachment.objects.create(
                        case=case, file=attachment, content_type=content_type, size=attachment.size,
                        original_name=os.path.basename(attachment.name or "attachment")[:200],
                    )
                notify_citizen(event=Event.RECEIVED, case=case)
                enqueue_on_commit(route_case, case.pk)
            return case, True
        except IntegrityError:
            if submission_key is not None and Case.objects.filter(submission_key=submission_key).exists():
                # Two identical posts raced past the check above: the other won.
                existing = _already_submitted(submission_key, **submitter)
                if existing is None:
                    raise DomainError(_("This form has expired. Reload the page and send it again.")) from None
                return existing, False
            # Otherwise the random tracking number was taken (about one
            # chance in 10^10 per case per day): draw another.
    raise DomainError(_("The case could not be saved just now. Please send it again."))


def _phone_form(raw: str) -> str:
    """A number in E.164 when it is one, so look-ups and linking find it
    however it was typed; otherwise as typed (an extension, a note)."""
    from accounts.phones import normalise_phone

    return normalise_phone(raw or "") or (raw or "").strip()


def _already_submitted(submission_key, *, citizen, recorded_by) -> Case | None:
    """The case this person already sent with this form, if any. A key sent
    by someone else never reveals their case."""
    return Case.objects.filter(submission_key=submission_key, citizen=citizen, recorded_by=recorded_by).first()


def case_record_for_citizen(*, actor, channel: str, **fields) -> tuple[Case, bool]:
    """An operator records a case that came by phone or in person; the
    channel is kept, and the operator is recorded as who entered it."""
    if not can_record_for_citizens(actor):
        raise ActionForbidden(_("Only operators record cases on a citizen's behalf."))
    if channel not in (Channel.PHONE, Channel.WALK_IN):
        raise DomainError(_("Choose whether the case came by phone or in person."))
    from accounts.models import User
    from accounts.phones import normalise_phone

    email = (fields.get("contact_email") or "").strip().lower()
    phone = normalise_phone(fields.get("contact_phone") or "")
    owner = User.objects.filter(email=email).first() if email else None
    # Only an account that confirmed the address, or the number, gets the
    # case: anyone may register any address or type any number.
    citizen = owner if owner is not None and owner.email_confirmed else None
    if citizen is None and phone:
        citizen = User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).first()
    case, created = case_submit(actor=citizen, channel=channel, recorded_by=actor, **fields)
    if created and citizen is None:
        # Confirmed while the case was being written, its linking may have
        # looked before this case was there: look again, after it.
        late = (Q(email=email) if email else Q()) | (Q(phone=phone) if phone else Q())
        for owner_id in User.objects.filter(late).values_list("pk", flat=True) if (email or phone) else ():
            cases_link_to_citizen(citizen_id=owner_id)
    return case, created


def cases_link_to_citizen(*, citizen_id: int) -> int:
    """The cases operators recorded with an address or a mobile number the
    account has confirmed, and no account holds, become its own ("My
    cases", notices, feedback). Under the account's row lock, which a
    confirmation holds until it commits, so a case recorded meanwhile is
    linked by one or the other. Returns how many were linked."""
    from accounts.models import User

    with transaction.atomic():
        citizen = User.objects.select_for_update().get(pk=citizen_id)
        confirmed = []
        if citizen.email_confirmed and citizen.email:
            confirmed.append(Q(contact_email=citizen.email.lower()))
        if citizen.phone_confirmed:
            confirmed.append(Q(contact_phone=citizen.phone))
        if not confirmed:
            return 0
        cases = list(Case.objects.select_for_update().filter(UNLINKED_OFFLINE).filter(reduce(or_, confirmed)))
        for case in cases:
            case.citizen = citizen
            case._history_user = citizen
            case._change_reason = "linked_to_account"
            case.save(update_fields=["citizen"])
    return len(cases)
