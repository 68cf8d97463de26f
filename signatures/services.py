"""Writes on petitions and their signatures. A petition's count changes
only under its row lock, taken before any signature row by confirmations
and invalidations alike (FOR NO KEY UPDATE: new signatures do not wait for
it), in the transaction that changes the signatures counted; thresholds are
claimed by conditional updates, so each acts once."""

import logging
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from notifications.models import Event
from notifications.services import notify, notify_department, notify_dispatchers, people_with_role
from petitions.models import Case, Kind
from portal.errors import ActionForbidden, DomainError
from portal.queue import enqueue_on_commit
from signatures.models import (
    Petition,
    PetitionHearing,
    PetitionSettings,
    Signature,
    SignatureInvalidation,
)
from signatures.normalise import InvalidAddress, email_domain, normalise_email
from signatures.selectors import ENDED, SignatureCriteria, public_petitions, signatures_matching

logger = logging.getLogger("wenzheng.signatures")

CONFIRM_SALT = "signatures.confirm"


# --- opening ------------------------------------------------------------------------------


def petition_open(*, case_id: int, actor=None, now=None) -> Petition:
    """Open a moderated public petition for co-signing, with the current
    default thresholds and period. Opening it again returns the same one."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        existing = Petition.objects.filter(case=case).first()
        if existing is not None:
            return existing
        if case.kind != Kind.PETITION:
            raise DomainError(_("Only a case of kind petition can gather signatures."))
        if not case.wants_public:
            raise DomainError(_("A petition gathers signatures only if its author agreed to make it public."))
        config = PetitionSettings.load()
        petition = Petition.objects.create(
            case=case, opened_at=now, opened_by=actor if getattr(actor, "is_authenticated", False) else None,
            closes_at=now + timedelta(days=config.signing_days), response_threshold=config.response_threshold,
            hearing_threshold=config.hearing_threshold,
        )
        if case.replied_at is not None:
            # Answered before it opened: the answer is its formal response.
            from signatures.tasks import record_petition_response

            enqueue_on_commit(record_petition_response, case.pk)
        return petition


# --- signing ------------------------------------------------------------------------------


def confirmation_token(signature: Signature) -> str:
    return signing.dumps([signature.pk, signature.email_normalised], salt=CONFIRM_SALT, compress=True)


def _signature_for_token(token: str) -> Signature:
    """The signature of a confirmation link, with its petition and what the
    confirmation page shows of it; refused if the link is not valid or has
    expired."""
    invalid = _("This confirmation link is not valid. Copy the whole link from the e-mail.")
    try:
        signature_id, normalised = signing.loads(token, salt=CONFIRM_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise DomainError(invalid) from None
    signature = None
    if isinstance(signature_id, int):
        signature = (Signature.objects.filter(pk=signature_id, email_normalised=normalised)
                     .select_related("petition__case__publication")
                     .defer("petition__case__publication__search_document").first())
    if signature is None:
        raise DomainError(invalid)
    hours = PetitionSettings.load().confirmation_valid_hours
    try:  # the link's age, now that its validity is known: Django's own check
        signing.loads(token, salt=CONFIRM_SALT, max_age=hours * 3600)
    except signing.SignatureExpired:
        raise DomainError(_("This confirmation link has expired. Sign the petition again to get a new one.")) from None
    return signature


def signature_start(*, petition_id: int, name: str, email: str, ip_address: str | None = None,
                    language: str = "zh-hans", now=None) -> Signature:
    """Record an unconfirmed signature and e-mail its confirmation link.

    Signing again with an address whose mailbox already signed creates
    nothing: an unconfirmed signature gets its link again, a confirmed one
    nothing. The signer is told the same either way, so the form does not
    reveal who has signed."""
    now = now or timezone.now()
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give your name."))
    try:
        normalised = normalise_email(email)
    except InvalidAddress:
        raise DomainError(_("Enter a valid e-mail address.")) from None
    petition = Petition.objects.select_related("case").get(pk=petition_id)
    _require_open(petition, now)
    from signatures.tasks import send_signature_confirmation

    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                petition=petition, name=name[:100], email=email.strip(), email_normalised=normalised,
                email_domain=email_domain(normalised), ip_address=ip_address, language=language, created_at=now,
            )
            enqueue_on_commit(send_signature_confirmation, signature.pk)
            return signature
    except IntegrityError:
        signature = Signature.objects.get(petition=petition, email_normalised=normalised)
        if signature.confirmed_at is None and signature.invalidated_at is None:
            enqueue_on_commit(send_signature_confirmation, signature.pk)
        return signature


def _require_open(petition: Petition, now) -> None:
    # The public side's rule (signatures.selectors.public_petitions): a case
    # rejected, merged, withdrawn or taken off the public side is not signed.
    still_public = public_petitions().filter(pk=petition.pk).exists()
    if petition.case.status in ENDED or not still_public:
        raise DomainError(_("This petition is no longer open for signing."))
    if now < petition.opened_at:
        raise DomainError(_("This petition is not open for signing yet."))
    if now >= petition.closes_at:
        raise DomainError(_("This petition closed for signing on %(date)s.")
                          % {"date": timezone.localtime(petition.closes_at).strftime("%Y-%m-%d")})


def signature_confirm(*, token: str, now=None) -> tuple[Signature, bool]:
    """Confirm a signature from its e-mailed link. Returns the signature and
    whether this call counted it (False: it was already confirmed).

    The petition's row is locked first (the order invalidation locks in);
    the signature is marked only if still neither confirmed nor invalidated,
    and only then is the count raised, with any threshold it reaches."""
    now = now or timezone.now()
    signature = _signature_for_token(token)
    if signature.invalidated_at is None and signature.confirmed_at is None:
        _require_open(signature.petition, now)
        with transaction.atomic():
            petition = Petition.objects.select_for_update(no_key=True).get(pk=signature.petition_id)
            marked = Signature.objects.filter(pk=signature.pk, confirmed_at=None, invalidated_at=None).update(
                confirmed_at=now)
            if marked:
                petition.confirmed_count += 1
                petition.save(update_fields=["confirmed_count"])
                signature.confirmed_at = now
                signature.petition.confirmed_count = petition.confirmed_count
                if _threshold_reached(petition):
                    _cross_thresholds(petition, now=now)
                return signature, True
        # Confirmed or invalidated meanwhile: not counted.
        signature.refresh_from_db(fields=["confirmed_at", "invalidated_at"])
    if signature.invalidated_at is not None:
        raise DomainError(_("This signature was withdrawn by the supervisors and is not counted."))
    return signature, False


def _threshold_reached(petition: Petition) -> bool:
    """Whether the count has reached a threshold not yet acted on."""
    count = petition.confirmed_count
    return ((petition.response_threshold_reached_at is None and count >= petition.response_threshold)
            or (petition.hearing_threshold_reached_at is None and count >= petition.hearing_threshold))


def _cross_thresholds(petition: Petition, *, now) -> None:
    """Claim each threshold the count has reached and not yet acted on (the
    conditional updates make each act once, whoever else races past it)."""
    petition.case = (Case.objects.select_related("publication").defer("publication__search_document")
                     .get(pk=petition.case_id))
    base = Petition.objects.filter(pk=petition.pk)
    if base.filter(response_threshold_reached_at=None, confirmed_count__gte=F("response_threshold")).update(
            response_threshold_reached_at=now):
        _oblige_response(petition, now=now)
    if base.filter(hearing_threshold_reached_at=None, confirmed_count__gte=F("hearing_threshold")).update(
            hearing_threshold_reached_at=now):
        _escalate_for_hearing(petition, now=now)


def _oblige_response(petition: Petition, *, now) -> None:
    """First threshold: the department owes a formal response by a deadline
    (a supervision clock, reminded and escalated by the deadline scan)."""
    from responses.models import Reply
    from supervision.calendar import add_limit, calendar
    from supervision.clocks import clock_start, policy_for
    from supervision.models import ClockKind, LimitUnit

    case = petition.case
    if not Reply.published.filter(case=case).exists():
        kind = ClockKind.PETITION_RESPONSE
        due_at = None
        if policy_for(kind, case) is None:
            # No policy row (an administrator deleted it): the migration's default.
            logger.warning("no deadline policy for petition responses: using 15 working days")
            due_at = add_limit(now, 15, LimitUnit.WORKING_DAYS, calendar())
        clock_start(case=case, kind=kind, start=now, department=case.lead_department, due_at=due_at)
    if case.lead_department_id:
        notify_department(event=Event.PETITION_RESPONSE_DUE, case=case, department_id=case.lead_department_id,
                          occurrence="petition")
    else:
        # Not yet routed: the routing centre should find it a department now.
        notify_dispatchers(event=Event.PETITION_RESPONSE_DUE, case=case, occurrence="petition")


def _escalate_for_hearing(petition: Petition, *, now) -> None:
    count = Petition.objects.filter(pk=petition.pk).values_list("confirmed_count", flat=True).get()
    PetitionHearing.objects.create(petition=petition, escalated_at=now, signatures_at_escalation=count)
    notify(event=Event.PETITION_HEARING, case=petition.case, users=people_with_role(Role.SUPERVISOR),
           occurrence="petition")


def petitions_cross_reached_thresholds(*, now=None, limit: int = 500) -> int:
    """Claim the thresholds that counts reached and no confirmation claimed
    (a threshold lowered, or a count set by a recount): the petitions'
    sweeper. Returns how many petitions it looked at."""
    now = now or timezone.now()
    reached = Petition.objects.filter(
        Q(response_threshold_reached_at=None, confirmed_count__gte=F("response_threshold"))
        | Q(hearing_threshold_reached_at=None, confirmed_count__gte=F("hearing_threshold")))
    ids = list(reached.order_by("id").values_list("id", flat=True)[:limit])
    for petition in Petition.objects.filter(id__in=ids).order_by("id"):
        with transaction.atomic():
            _cross_thresholds(petition, now=now)
    return len(ids)


# --- invalidating -------------------------------------------------------------------------


def signatures_invalidate(*, actor, criteria: SignatureCriteria, reason: str, now=None) -> SignatureInvalidation:
    """A supervisor invalidates every signature matching the criteria (an
    address, an e-mail domain, a time range, optionally one petition); each
    petition's count drops by exactly the confirmed signatures removed."""
    if not has_role(actor, Role.SUPERVISOR):
        raise ActionForbidden(_("Only supervisors can invalidate signatures."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why these signatures are invalid."))
    if criteria.is_empty:
        raise DomainError(_("Choose an address, an e-mail domain or a time range: not every signature at once."))
    now = now or timezone.now()
    with transaction.atomic():
        matching = signatures_matching(criteria)
        petition_ids = sorted(set(matching.values_list("petition_id", flat=True).distinct()))
        # Lock the petitions in id order (no deadlock between two supervisors),
        # then count and change only their signatures: a confirmation of one
        # of them waits for us, so none is counted and invalidated both.
        list(Petition.objects.select_for_update(no_key=True).filter(pk__in=petition_ids).order_by("pk").values_list("pk"))
        locked = matching.filter(petition_id__in=petition_ids)
        confirmed = dict(locked.exclude(confirmed_at=None).values_list("petition_id").annotate(n=Count("id"))
                         .order_by())
        invalidation = SignatureInvalidation.objects.create(
            performed_by=actor, performed_at=now, reason=reason, petition_id=criteria.petition_id,
            ip_address=criteria.ip_address or None, email_domain=criteria.email_domain or "",
            signed_from=criteria.signed_from, signed_until=criteria.signed_until,
        )
        invalidated = locked.update(invalidated_at=now, invalidation=invalidation)
        for petition_id, removed in confirmed.items():
            Petition.objects.filter(pk=petition_id).update(confirmed_count=F("confirmed_count") - removed)
        invalidation.invalidated = invalidated
        invalidation.confirmed_removed = sum(confirmed.values())
        invalidation.save(update_fields=["invalidated", "confirmed_removed"])
        logger.info("signatures invalidated: by=%s count=%s criteria=%s", actor.pk, invalidated, criteria)
        return invalidation


def petition_recount(*, petition_id: int) -> int:
    """Set the count from the signatures themselves (a repair tool for
    administrators; the count is kept exact without it)."""
    with transaction.atomic():
        Petition.objects.select_for_update(no_key=True).filter(pk=petition_id).values_list("pk").get()
        count = Signature.objects.filter(petition_id=petition_id, invalidated_at=None).exclude(
            confirmed_at=None).count()
        Petition.objects.filter(pk=petition_id).update(confirmed_count=count)
        return count


# --- the formal response --------------------------------------------------------------------


def petition_record_response(*, case_id: int, now=None) -> Petition | None:
    """The case's published reply is the petition's formal response: record
    it, stop the response clock, and e-mail the signers (after commit).
    Returns the petition if this call recorded it."""
    from responses.models import Reply
    from supervision.clocks import clocks_stop
    from supervision.models import ClockKind

    now = now or timezone.now()
    with transaction.atomic():
        petition = (Petition.objects.select_for_update(no_key=True).select_related("case")
                    .filter(case_id=case_id).first())
        if petition is None or petition.response_reply_id is not None:
            return None
        reply = Reply.published.filter(case_id=case_id).order_by("-published_at", "-id").first()
        if reply is None:
            return None
        petition.response_reply = reply
        petition.response_recorded_at = now
        petition.save(update_fields=["response_reply", "response_recorded_at"])
        clocks_stop(case=petition.case, kinds=[ClockKind.PETITION_RESPONSE], at=reply.published_at or now)
        from signatures.tasks import plan_response_mailing

        enqueue_on_commit(plan_response_mailing, petition.pk)
        return petition


def response_recipients(petition: Petition):
    """Signers owed the response e-mail: confirmed and valid before the
    response was recorded (later signers read it on the page), not yet sent."""
    return Signature.objects.filter(
        petition=petition, response_sent_at=None, invalidated_at=None, confirmed_at__isnull=False,
        confirmed_at__lte=petition.response_recorded_at,
    )


def response_claim(*, signature_id: int, now=None) -> bool:
    """Claim one signer's response e-mail; False if it was sent already."""
    return bool(Signature.objects.filter(pk=signature_id, response_sent_at=None).update(
        response_sent_at=now or timezone.now()))


def response_release(*, signature_id: int) -> None:
    Signature.objects.filter(pk=signature_id).update(response_sent_at=None)
