"""Reads about cases for citizens and for the case page."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from petitions.lifecycle import Status
from petitions.models import Case
from petitions.permissions import get_case_for_user
from petitions.tracking import normalise_tracking_number

# Event codes written as the history's change reason by the services.
EVENT_LABELS = {
    "submitted": _("Case submitted"),
    "routed": _("Routed to a department"),
    "routing_centre": _("Sent to the routing centre"),
    "dispatched": _("Dispatched to a department"),
    "returned": _("Returned by the department (退单)"),
    "rerouted": _("Re-routed to another department (改派)"),
    "sent_back": _("Return refused: sent back to the department"),
    "rejected": _("Rejected"),
    "merged": _("Merged into an earlier case"),
    "withdrawn": _("Withdrawn by the citizen"),
    "signed_for": _("Signed for by the department"),
    "assigned": _("Assigned to an official"),
    "material_requested": _("More material asked of the citizen"),
    "material_added": _("The citizen added material"),
    "reply_drafted": _("Reply written, awaiting the head's approval"),
    "reply_sent_back": _("Reply sent back by the head"),
    "replied": _("Reply published"),
    "linked_to_account": _("Linked to the citizen's account (address confirmed)"),
    "relocated": _("Place on the map corrected"),
    "closed": _("The citizen rated the answer; case closed"),
    "reopened": _("The citizen rated the answer and asked for it to be handled again"),
    "closed_unevaluated": _("Closed without a rating: the time to rate the answer ended"),
    "deadline_extended": _("Deadline extended"),
    "deadline_corrected": _("Deadline corrected by an administrator"),
}
ORDER_ISSUED_LABEL = _("A supervisor ordered the department to act on the case (督办)")
# What the citizen sees of their case's history; the rest is the
# departments' internal work.
PUBLIC_EVENTS = frozenset({
    "submitted", "routed", "routing_centre", "dispatched", "rerouted", "rejected", "merged", "withdrawn",
    "signed_for", "material_requested", "material_added", "replied", "closed", "reopened", "closed_unevaluated",
    "deadline_extended",
})


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    label: str
    status: str
    actor: str


def case_list_queryset():
    return Case.objects.select_related("category", "region", "lead_department")


def cases_for_citizen(user):
    return case_list_queryset().filter(citizen=user).order_by("-submitted_at", "-id")


def case_for_page(user, case_id) -> Case:
    return get_case_for_user(user, case_id, queryset=case_list_queryset())


def case_timeline(case: Case, *, viewer_is_staff: bool) -> list[TimelineEvent]:
    """Every recorded change of the case, oldest first. Staff see all of it
    and who acted; citizens see its public events and which department acted."""
    records = list(case.history.select_related("history_user", "lead_department")
                   .order_by("history_date", "history_id"))
    events = []
    for record in records:
        if not viewer_is_staff and record.history_change_reason not in PUBLIC_EVENTS:
            continue
        events.append(
            TimelineEvent(
                at=record.history_date,
                label=str(EVENT_LABELS.get(record.history_change_reason or "", _("Case updated"))),
                status=str(Status(record.status).label),
                actor=_actor_label(record, case, viewer_is_staff),
            )
        )
    # Supervision orders (督办) are records of their own, not changes of the case.
    for order in case.supervision_orders.select_related("issued_by", "department").order_by("issued_at", "id"):
        before = [record for record in records if record.history_date <= order.issued_at]
        status = before[-1].status if before else case.status
        events.append(TimelineEvent(
            at=order.issued_at, label=str(ORDER_ISSUED_LABEL), status=str(Status(status).label),
            actor=str(order.issued_by) if viewer_is_staff else str(_("a supervisor")),
        ))
    events.sort(key=lambda event: event.at)
    return events


def _actor_label(record, case, viewer_is_staff: bool) -> str:
    if record.history_user_id is None:
        return str(_("Wenzheng (automatic)"))
    if record.history_user_id == case.citizen_id:
        return str(_("the citizen"))
    if viewer_is_staff:
        return str(record.history_user)
    department = record.lead_department
    return str(department) if department else str(_("an official"))


def case_lookup(*, tracking_number: str, email: str) -> Case | None:
    """A case found by its tracking number and the e-mail address or the
    mobile number (E.164) it was filed with; None when either does not
    match (never says which)."""
    from accounts.phones import normalise_phone

    number = normalise_tracking_number(tracking_number)
    contact = (email or "").strip()
    if number is None or not contact:
        return None
    if "@" in contact:
        match = {"contact_email": contact.lower()}
    else:
        # Stored in E.164: the number is matched however it is typed.
        phone = normalise_phone(contact)
        if phone is None:
            return None
        match = {"contact_phone": phone}
    return case_list_queryset().filter(tracking_number=number, **match).first()
