"""Recording events for people, and claiming them for e-mail. `notify`
runs inside the service's transaction, so a notification exists exactly
when its change committed; each event's key is unique per recipient, and
each e-mail is claimed by a conditional update before Celery sends it, so
raising an event or delivering its task twice acts once."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from notifications.models import Event, Notification
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
    rows = [
        Notification(recipient=user, email=user.email, event=event, key=key, language=_language_for(user, case),
                     **shown)
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
    """Tell the case's citizen: their account, or the bare address given
    with the case."""
    if case.citizen_id:
        notify(event=event, case=case, users=[case.citizen], occurrence=occurrence)
    elif case.contact_email:
        notify(event=event, case=case, addresses=[case.contact_email], occurrence=occurrence)


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
