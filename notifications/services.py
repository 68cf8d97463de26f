"""Recording events for people, and claiming them for e-mail. `notify`
runs inside the service's transaction, so a notification exists exactly
when its change committed; each event's key is unique per recipient, and
each e-mail is claimed by a conditional update before Celery sends it, so
raising an event or delivering its task twice acts once."""

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from accounts.phones import is_mobile
from accounts.roles import Role
from notifications.models import Event, Notification, SmsMessage, SmsOptOut, SmsStatus
from portal.queue import enqueue_on_commit


def notify(*, event: Event, case=None, users=(), addresses=(), occurrence: str = "", email_now: bool = True,
           about: str = "", title: str = "", path: str = "", language: str = "") -> str:
    """Record `event` about `case` for each user and each bare e-mail address
    (citizens without an account). `occurrence` tells repeated events of the
    same kind on one case apart (the second request for material). Returns
    the event's key; with email_now=False the caller enqueues the e-mail
    (the deadline scan sends one task for a whole batch).

    A notice about something else names it by `about` (a short stable key,
    "consultation:12"), shows `title` and links to `path`; bare addresses
    then hear in `language`."""
    key = f"{event}:{case.pk if case is not None else about}:{occurrence}"
    shown = {"case": case, "title": title, "path": path}
    now = timezone.now()
    # Someone who takes no e-mail (texts only, or no address) has nothing
    # to e-mail: the row is marked done at once, so no task or sweep waits on it.
    rows = [
        Notification(recipient=user, email=user.email or "", event=event, key=key,
                     language=_language_for(user, case), created_at=now,
                     emailed_at=None if user.wants_email else now, **shown)
        for user in {user.pk: user for user in users if user is not None}.values()
    ]
    rows += [
        Notification(email=address, event=event, key=key,
                     language=case.language if case is not None else language or settings.LANGUAGE_CODE, **shown)
        for address in set(addresses) if address
    ]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        if email_now:
            email_on_commit([key])
    return key


def email_on_commit(keys: list[str]) -> None:
    """E-mail these events' notifications after commit: one task for all."""
    if len(keys) == 1:
        from notifications.tasks import email_notifications

        enqueue_on_commit(email_notifications, keys[0])
    elif keys:
        from notifications.tasks import email_notification_batch

        enqueue_on_commit(email_notification_batch, keys)


def notify_citizen(*, event: Event, case, occurrence: str = "") -> None:
    """Tell the case's citizen: their account (in the site, and by e-mail,
    text or both as they chose), or the bare address and mobile number
    given with the case."""
    if case.citizen_id:
        notify(event=event, case=case, users=[case.citizen], occurrence=occurrence)
        phone = case.citizen.phone if case.citizen.wants_sms else ""
    else:
        if case.contact_email:
            notify(event=event, case=case, addresses=[case.contact_email], occurrence=occurrence)
        phone = case.contact_phone
    if event in SMS_EVENTS and is_mobile(phone):
        sms_record(event=event, case=case, phone=phone, occurrence=occurrence)


# The events a citizen hears of by text, and the text each sends.
SMS_EVENTS = {
    Event.RECEIVED: "received",
    Event.MATERIAL_REQUESTED: "material_requested",
    Event.REPLIED: "replied",
    Event.FEEDBACK_REQUESTED: "rate",
}


def sms_record(*, event: Event, case, phone: str, occurrence: str = "") -> None:
    """One text for this event to `phone`, once however often it is raised;
    sent after commit, or when the quiet hours end. The receipt for a case
    an operator just recorded goes at once: the caller has just hung up."""
    from notifications.sms.quiet import send_not_before
    from notifications.sms.texts import case_params

    if SmsOptOut.objects.filter(phone=phone).exists():
        return
    kind = SMS_EVENTS[event]
    now = timezone.now()
    at_once = event == Event.RECEIVED and case.channel in ("phone", "walk_in")
    not_before = now if at_once else send_not_before(now)
    key = f"{event}:{case.pk}:{occurrence}"
    message, created = SmsMessage.objects.get_or_create(
        phone=phone, key=key,
        defaults={"case": case, "event": event, "kind": kind, "params": case_params(kind, case),
                  "language": case.language, "created_at": now, "not_before": not_before},
    )
    if created and not_before <= now:
        from notifications.tasks import send_text

        enqueue_on_commit(send_text, message.pk)


def notify_department(*, event: Event, case, department_id: int, heads_only: bool = False, occurrence: str = "",
                      email_now: bool = True) -> str:
    members = User.objects.filter(memberships__department_id=department_id, is_active=True)
    if heads_only:
        members = members.filter(memberships__is_head=True)
    return notify(event=event, case=case, users=list(members.distinct()), occurrence=occurrence, email_now=email_now)


def notify_dispatchers(*, event: Event, case, occurrence: str = "") -> None:
    notify(event=event, case=case, users=people_with_role(Role.DISPATCHER), occurrence=occurrence)


def people_with_role(role: Role) -> list:
    return list(User.objects.filter(groups__name=role.value, is_active=True))


def heads_and_supervisors(department_id) -> list:
    """Who is told when a department misses a deadline."""
    people = User.objects.filter(is_active=True).filter(
        Q(groups__name=Role.SUPERVISOR.value) | Q(memberships__department_id=department_id, memberships__is_head=True)
    )
    return list(people.distinct())


def _language_for(user, case) -> str:
    # A citizen hears of their own case in the language they filed it in;
    # everyone else (staff, followers) in the one they last used the site in.
    if case is not None and case.citizen_id and user.pk == case.citizen_id:
        return case.language
    return user.language or settings.LANGUAGE_CODE


def notification_claim_for_email(*, notification_id: int) -> Notification | None:
    """Claim one notification for an immediate e-mail; None when it was
    already sent or its recipient takes a daily digest."""
    claimed = (
        Notification.objects.filter(id=notification_id, emailed_at=None)
        .exclude(recipient__notify_daily_digest=True)
        .update(emailed_at=timezone.now())
    )
    if not claimed:
        return None
    return Notification.objects.select_related("case", "recipient").get(id=notification_id)


def notification_release(*, notification_id: int) -> None:
    Notification.objects.filter(id=notification_id).update(emailed_at=None)


def digest_claim(*, user_id: int) -> list[Notification]:
    """Claim every unsent notification of a digest reader. The claim marks
    rows with one timestamp, so a concurrent scan claims none of them."""
    with transaction.atomic():
        pending = list(
            Notification.objects.filter(recipient_id=user_id, emailed_at=None).values_list("id", flat=True)
        )
        if not pending:
            return []
        stamp = timezone.now()
        Notification.objects.filter(id__in=pending, emailed_at=None).update(emailed_at=stamp)
    return list(
        Notification.objects.filter(id__in=pending, emailed_at=stamp).select_related("case").order_by("created_at")
    )


def notifications_mark_read(*, user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(id__in=notification_ids)
    return unread.update(read_at=timezone.now())


def sms_claim(*, message_id: int) -> SmsMessage | None:
    """Claim a waiting text whose time has come, for sending: None when it
    was sent or claimed already, must wait, or its number said STOP."""
    now = timezone.now()
    claimed = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.WAITING, not_before__lte=now).update(
        status=SmsStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    message = SmsMessage.objects.get(pk=message_id)
    if SmsOptOut.objects.filter(phone=message.phone).exists():
        sms_finish(message=message, status=SmsStatus.FAILED, error="stopped: the number asked for no texts")
        return None
    return message


def sms_finish(*, message: SmsMessage, status: str, error: str = "", gateway_id: str = "") -> None:
    """Record how a claimed text ended: sent, failed for good, or back to
    waiting for the next try (with the error an administrator sees). One
    statement ends the claim and records the gateway's id with it. A success
    is always recorded, so no sweep sends it again; any other ending only
    while this worker's claim still holds (a sweep may have taken it back)."""
    fields = {"status": status, "last_error": error[:300]}
    if status == SmsStatus.SENT:
        fields.update(sent_at=timezone.now(), gateway_id=gateway_id[:100])
        SmsMessage.objects.filter(pk=message.pk).exclude(status=SmsStatus.SENT).update(**fields)
        return
    SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING, claimed_at=message.claimed_at).update(**fields)


# A text claimed this many times without an ending (its worker died each
# time) is not worth claiming again: an administrator looks at it.
SMS_MAX_CLAIMS = 6


def sms_reclaim_stalled(*, older_than_seconds: int, limit: int = 1000) -> list[int]:
    """Texts claimed by a worker that stopped before it recorded an ending
    (killed, its machine lost) go back to waiting; returns their ids. The
    claim is long past the gateway's time-out, so their worker is no longer
    sending them. Each is taken back by a conditional update on the claim
    it had, so two sweeps at once take each back once."""
    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=older_than_seconds)
    stalled = list(SmsMessage.objects.filter(status=SmsStatus.SENDING, claimed_at__lt=cutoff)
                   .order_by("claimed_at").values_list("pk", "claimed_at", "attempts")[:limit])
    reclaimed = []
    for pk, claimed_at, attempts in stalled:
        give_up = attempts >= SMS_MAX_CLAIMS
        fields = ({"status": SmsStatus.FAILED, "last_error": "its worker stopped while sending, every try"}
                  if give_up else
                  {"status": SmsStatus.WAITING, "not_before": now, "last_error": "its worker stopped while sending"})
        taken = SmsMessage.objects.filter(pk=pk, status=SmsStatus.SENDING, claimed_at=claimed_at).update(**fields)
        if taken and not give_up:
            reclaimed.append(pk)
    return reclaimed


def sms_requeue(*, message_ids) -> int:
    """An administrator sends failed or stuck texts again."""
    return SmsMessage.objects.filter(pk__in=message_ids).exclude(status=SmsStatus.SENT).update(
        status=SmsStatus.WAITING, not_before=timezone.now(), claimed_at=None)


def sms_opt_out(*, phone: str, source: str) -> bool:
    """No more texts about cases to `phone` (it replied STOP, or its owner
    chose so); what waits for it is not sent. True if it was new."""
    _row, created = SmsOptOut.objects.get_or_create(phone=phone, defaults={"source": source[:20]})
    return created


def sms_opt_in(*, phone: str) -> None:
    SmsOptOut.objects.filter(phone=phone).delete()
