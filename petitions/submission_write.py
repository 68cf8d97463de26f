"""Writing a new case with the records that come with it.

A submission writes five rows: the case, its history row ("submitted"),
the dispatch clock (started at the submission), that clock's first
hash-chained event, and the receipt notice for the citizen.
`write_case_with_orm` (SQLite, and a case filed with a file) writes them
as five INSERTs compiled anew, five round trips, BEGIN and COMMIT, and the
case's post_save receivers; on PostgreSQL `write_case_in_one_statement`
writes the same rows, made by the same code (`new_clock`, `event_for`,
`notice_rows`), in one statement (`portal.insert_statement`) after one
query for the case's and the clock's ids.

The case's post_save receivers have nothing to do for a new case with no
department yet (the inboxes and the public lists change when it is routed
or published), and its history row is written here as simple-history
writes it. `RECEIVERS_OF_A_NEW_CASE` names them; a test fails if another is
connected, so it is not silently skipped here.
"""

import os

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from petitions.models import Attachment, Case
from portal.insert_statement import Rows, insert_together, next_ids

# post_save receivers of Case (dispatch_uid, or the receiver's module) and
# why a new case needs none of them: see the module's docstring. No other
# signal of the rows written here (pre_save, the history's own signals) has
# a receiver; a test checks both.
RECEIVERS_OF_A_NEW_CASE = {
    "simple_history.models",  # the history row: written here
    "responses.inbox.case.saved",  # a case with no department is in no inbox
    "publication.lists.case.saved",  # returns at once for a created case
}


def writes_in_one_statement(*, attachment) -> bool:
    """PostgreSQL, and no file to store (an attachment is saved through the
    storage first, then its row: the ORM path)."""
    return attachment is None and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def write_case_with_orm(case: Case, *, actor, change_reason: str, attachment=None, content_type=None) -> None:
    """Save `case` (new, without an id) with the same records through the
    ORM, in one transaction (a savepoint inside a caller's), and with the
    file it was filed with."""
    from notifications.models import Event
    from notifications.services import notify_citizen
    from supervision.clocks import clock_start
    from supervision.models import ClockKind

    with transaction.atomic():
        case._history_user = actor
        case._change_reason = change_reason
        case.save()
        clock_start(case=case, kind=ClockKind.DISPATCH, start=case.submitted_at, actor=actor)
        if attachment is not None:
            case.filed_attachment = Attachment.objects.create(
                case=case, file=attachment, content_type=content_type, size=attachment.size,
                original_name=os.path.basename(attachment.name or "attachment")[:200],
            )
        # The receipt's e-mail goes with the routing's (responses.services._route):
        # one message to the broker per submission, not two. Should routing
        # wait, the notifications sweeper sends it (unsent after two minutes).
        notify_citizen(event=Event.RECEIVED, case=case, email_now=False)


def write_case_in_one_statement(case: Case, *, actor, change_reason: str) -> None:
    """Save `case` (new, without an id) with its history row, its dispatch
    clock and first event, and the receipt notice, in one statement."""
    from notifications.models import Event, Notification
    from notifications.services import citizen_notice, notice_rows
    from supervision.clocks import GENESIS, event_for, new_clock
    from supervision.models import ClockEvent, ClockKind, SupervisionClock
    from supervision.tallies import clock_key

    case.pk, clock_id = next_ids(Case, SupervisionClock)
    clock = new_clock(case=case, kind=ClockKind.DISPATCH, start=case.submitted_at)
    if clock is not None and clock_key(clock) is not None:
        # The dispatch clock holds no department to a deadline, so it is in
        # no tally row; one that is would need clocks_moved here.
        raise NotImplementedError("a clock counted in the tallies: start it with clock_start")
    parts = [Rows(Case, [case])]
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        parts.append(Rows(Case.history.model, [history_row(case, actor=actor, reason=change_reason)]))
    if clock is not None:
        clock.pk = clock_id
        event = event_for(clock, ClockEvent.Action.STARTED, sequence=1, previous=GENESIS, at=case.submitted_at,
                          actor_id=actor.pk if actor is not None else None, reason="")
        parts += [Rows(SupervisionClock, [clock]), Rows(ClockEvent, [event])]
    notice = citizen_notice(event=Event.RECEIVED, case=case)
    if notice is not None:
        parts.append(Rows(Notification, notice_rows([notice]), ignore_conflicts=True))
    insert_together(parts)
    case.loaded_lead_department_id = case.lead_department_id


def history_row(case: Case, *, actor, reason: str):
    """The row simple-history writes when a new case is saved."""
    model = Case.history.model
    return model(history_date=timezone.now(), history_type="+", history_user=actor, history_change_reason=reason,
                 **{field.attname: getattr(case, field.attname) for field in model.tracked_fields})
