"""Signal receivers: each only hands the work to a service or a task."""

import logging

from portal.queue import enqueue_on_commit

logger = logging.getLogger("wenzheng.signatures")


def open_petition_on_publication(sender, case, by=None, **kwargs):
    """A moderator approved a case for the public side; a petition among
    them opens for co-signing (sent after the approval committed)."""
    from petitions.models import Kind
    from portal.errors import DomainError
    from signatures.services import petition_open

    if case.kind != Kind.PETITION:
        return
    try:
        petition_open(case_id=case.pk, actor=by)
    except DomainError:
        # Sent after the moderator's decision committed: a refusal here must
        # not turn their page into an error; it is logged for the audit.
        logger.exception("petition not opened for case %s", case.pk)


def check_response_on_reply(sender, instance, **kwargs):
    from responses.models import ReplyState
    from signatures.tasks import record_petition_response

    if instance.state == ReplyState.PUBLISHED:
        enqueue_on_commit(record_petition_response, instance.case_id)
