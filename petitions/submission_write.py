"""Writing a new case with its history row.

A submission writes two rows: the case and its history row ("submitted").
The routing step that follows its commit opens the case's dispatch clock
from the submission's time and records the citizen's receipt
(responses.services._route, supervision.clocks.dispatch_clocks_open), so
the request's transaction is short; should routing wait, the deadline scan
opens the clock (supervision.scan.open_waiting_dispatch_clocks).
`write_case_with_orm` (SQLite, and a case filed with a file) saves the case
through the ORM, with simple-history's row and the case's post_save
receivers; on PostgreSQL `write_case_in_one_statement` writes the same rows
in one statement (`portal.insert_statement`), which gives the case its id.

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
from portal.insert_statement import insert_with_copy

# post_save receivers of Case (dispatch_uid, or the receiver's module) and
# why a new case needs none of them: see the module's docstring. No other
# signal of the rows written here (pre_save, the history's own signals) has
# a receiver; a test checks both.
RECEIVERS_OF_A_NEW_CASE = {
    "simple_history.models",  # the history row: written here
    "publication.lists.case.saved",  # returns at once for a created case
}


def writes_in_one_statement(*, attachment) -> bool:
    """PostgreSQL, no file to store (an attachment is saved through the
    storage first, then its row: the ORM path), and the history kept (the
    ORM path honours simple-history's switch)."""
    return (attachment is None and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
            and getattr(settings, "SIMPLE_HISTORY_ENABLED", True))


def write_case_with_orm(case: Case, *, actor, change_reason: str, attachment=None, content_type=None) -> None:
    """Save `case` (new, without an id) with its history row through the
    ORM, in one transaction (a savepoint inside a caller's), and with the
    file it was filed with."""
    with transaction.atomic():
        case._history_user = actor
        case._change_reason = change_reason
        case.save()
        if attachment is not None:
            case.filed_attachment = Attachment.objects.create(
                case=case, file=attachment, content_type=content_type, size=attachment.size,
                original_name=os.path.basename(attachment.name or "attachment")[:200],
            )


def write_case_in_one_statement(case: Case, *, actor, change_reason: str) -> None:
    """Save `case` (new, without an id) with its history row in one
    statement, which gives the case its id. The history row copies the
    case's row as written (its tracked columns, from the INSERT's
    RETURNING), with what simple-history adds: when, who, why, "+"."""
    history = Case.history.model
    insert_with_copy(case, copy_into=history, copied=[field.attname for field in history.tracked_fields], extra={
        "history_date": timezone.now(), "history_type": "+", "history_user_id": getattr(actor, "pk", None),
        "history_change_reason": change_reason,
    })
    case.loaded_lead_department_id = case.lead_department_id
