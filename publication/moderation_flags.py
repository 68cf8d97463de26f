"""The two moderation flags filled in from the records, for rows written
without them (by migration, and by `manage.py fill_moderation_flags` for
what a previous release decided while the migration ran):
Case.publication_decided and Publication.answer_to_review. Idempotent,
and in batches, so no statement holds many rows' locks."""

from django.db.models import Exists, OuterRef

BATCH = 10_000


def fill_in(case_model, publication_model, reply_model, *, batch: int = BATCH) -> tuple[int, int]:
    """Set the flags where the records say so; returns how many of each
    were set. Takes the models (a migration passes its historical ones)."""
    decided = list(publication_model.objects.filter(state__in=["published", "rejected"])
                   .filter(case__publication_decided=False).values_list("case_id", flat=True))
    for first in range(0, len(decided), batch):
        case_model.objects.filter(pk__in=decided[first:first + batch]).update(publication_decided=True)
    newer = reply_model.objects.filter(case_id=OuterRef("case_id"), state="published",
                                       published_at__gt=OuterRef("moderated_at"))
    to_review = list(publication_model.objects.filter(state="published", answer_to_review=False)
                     .filter(Exists(newer)).values_list("pk", flat=True))
    for first in range(0, len(to_review), batch):
        publication_model.objects.filter(pk__in=to_review[first:first + batch]).update(answer_to_review=True)
    return len(decided), len(to_review)
