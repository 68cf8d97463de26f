"""Celery tasks for petitions and surge alerts: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.mail import send_templated_mail
from signatures import services
from signatures.models import Petition, PetitionSettings, Signature

SWEEP_LIMIT = 200


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_signature_confirmation(self, signature_id: int) -> bool:
    signature = Signature.objects.select_related("petition__case").filter(pk=signature_id).first()
    if signature is None or signature.confirmed_at is not None or signature.invalidated_at is not None:
        return False
    from portal.claims import task_claim, task_claim_release
    from signatures.selectors import public_text

    # Signing again asks for a new link (a new message); the same message
    # delivered twice (a worker killed before acknowledging) sends one.
    claim = f"signature-confirmation:{self.request.id}"
    if self.request.id and not task_claim(claim):
        return False
    try:
        _send_confirmation(signature, public_text)
    except Exception:
        task_claim_release(claim)
        raise
    return True


def _send_confirmation(signature, public_text) -> None:
    token = services.confirmation_token(signature)
    send_templated_mail(
        to=signature.email, template="signature_confirm", language=signature.language,
        context={"signature": signature, "petition": signature.petition, "title": public_text(signature.petition).title,
                 "confirm_url": settings.SITE_URL.rstrip("/") + reverse("signatures:confirm", args=[token]),
                 "valid_hours": PetitionSettings.load().confirmation_valid_hours},
    )


@shared_task
def record_petition_response(case_id: int) -> bool:
    return services.petition_record_response(case_id=case_id) is not None


@shared_task
def plan_response_mailing(petition_id: int) -> int:
    """Split the signers owed the response into batches, one task each."""
    petition = Petition.objects.select_related("case", "response_reply").filter(pk=petition_id).exclude(
        response_recorded_at=None).first()
    if petition is None:
        return 0
    from signatures.selectors import public_text

    if not public_text(petition).answer:
        # The moderators have not yet approved the answer's public text; the
        # sweeper plans the mailing again once they have.
        return 0
    size = PetitionSettings.load().response_batch_size
    ids = list(services.response_recipients(petition).order_by("id").values_list("id", flat=True))
    batches = [ids[start:start + size] for start in range(0, len(ids), size)]
    for batch in batches:
        email_response_batch.delay(petition_id, batch[0], batch[-1])
    return len(batches)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_response_batch(petition_id: int, first_id: int, last_id: int) -> int:
    """E-mail the response to the signers with ids in [first_id, last_id].
    Each is claimed before sending and released if sending fails, so a
    retried or duplicated task sends every e-mail once."""
    petition = Petition.objects.select_related("case", "response_reply__department").filter(pk=petition_id).first()
    if petition is None or petition.response_recorded_at is None:
        return 0
    from signatures.selectors import public_text

    text = public_text(petition)
    if not text.answer:
        return 0
    sent = 0
    pending = services.response_recipients(petition).filter(id__gte=first_id, id__lte=last_id).order_by("id")
    for signature in pending.only("id", "name", "email", "language"):
        if not services.response_claim(signature_id=signature.pk):
            continue
        try:
            send_templated_mail(
                to=signature.email, template="petition_response", language=signature.language,
                context={"signature": signature, "petition": petition, "text": text,
                         "department": petition.response_reply.department if petition.response_reply else None},
            )
        except Exception:
            services.response_release(signature_id=signature.pk)
            raise
        sent += 1
    return sent


@shared_task
def sweep_petitions() -> dict:
    """The outbox for petitions: claim thresholds reached and not claimed,
    record responses whose task was lost, and e-mail signers still owed one
    (a lost batch, a crashed worker)."""
    from responses.models import ReplyState

    crossed = services.petitions_cross_reached_thresholds()
    recorded = 0
    unrecorded = Petition.objects.filter(response_recorded_at=None, case__replies__state=ReplyState.PUBLISHED)
    for case_id in unrecorded.values_list("case_id", flat=True).distinct()[:SWEEP_LIMIT]:
        recorded += services.petition_record_response(case_id=case_id) is not None
    cutoff = timezone.now() - timezone.timedelta(minutes=10)
    owed = Petition.objects.filter(response_recorded_at__lt=cutoff, signatures__response_sent_at=None,
                                   signatures__invalidated_at=None,
                                   signatures__confirmed_at__lte=F("response_recorded_at"))
    planned = 0
    for petition_id in owed.values_list("id", flat=True).distinct()[:SWEEP_LIMIT]:
        planned += plan_response_mailing(petition_id)
    return {"thresholds": crossed, "recorded": recorded, "batches": planned}


@shared_task
def detect_surges() -> int:
    from signatures.surges import surge_scan

    return len(surge_scan())
