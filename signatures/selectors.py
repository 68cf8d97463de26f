"""Reads for the petition pages, the supervisors' tools and the dashboard panel."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from petitions.tracking import normalise_tracking_number
from publication.models import PublicationState
from publication.selectors import published_case_q
from publication.services import UNPUBLISHABLE
from signatures.models import Petition, Signature, SurgeAlert


@dataclass(frozen=True)
class SignatureCriteria:
    """What a bulk invalidation matches; empty parts match anything."""

    petition_id: int | None = None
    ip_address: str | None = None
    email_domain: str = ""
    signed_from: datetime | None = None
    signed_until: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.ip_address or self.email_domain or self.signed_from or self.signed_until)


def signatures_matching(criteria: SignatureCriteria):
    """Valid signatures (confirmed or not) matching the criteria; each filter
    is served by an index led by it (Signature.Meta.indexes)."""
    queryset = Signature.objects.filter(invalidated_at=None)
    if criteria.petition_id:
        queryset = queryset.filter(petition_id=criteria.petition_id)
    if criteria.ip_address:
        queryset = queryset.filter(ip_address=criteria.ip_address)
    if criteria.email_domain:
        queryset = queryset.filter(email_domain=criteria.email_domain)
    if criteria.signed_from:
        queryset = queryset.filter(created_at__gte=criteria.signed_from)
    if criteria.signed_until:
        queryset = queryset.filter(created_at__lt=criteria.signed_until)
    return queryset


def invalidation_preview(criteria: SignatureCriteria) -> dict:
    """How many signatures an invalidation would remove, in one query."""
    from django.db.models import Count, Q

    return signatures_matching(criteria).aggregate(
        total=Count("id"), confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
        petitions=Count("petition_id", distinct=True),
    )


# A petition whose case ended this way is no longer signed.
ENDED = frozenset(UNPUBLISHABLE)


def open_for_signing(petition: Petition, now=None) -> bool:
    """Whether the page offers the signing form: the petition's period runs
    and its case has not ended (signature_start checks the same, and more)."""
    return petition.is_open(now) and petition.case.status not in ENDED


def public_petitions():
    """Petitions of cases the public side shows (publication.selectors'
    rule): a moderator who takes a case off the public side, or a case
    rejected, merged or withdrawn, takes its petition with it."""
    return Petition.objects.filter(published_case_q(case="case__", publication="case__publication__"))


def _petition_queryset():
    return public_petitions().select_related(
        "case", "case__category", "case__region", "case__lead_department", "case__publication")


def open_petitions(now=None):
    """The public list: petitions open for signing, newest first."""
    now = now or timezone.now()
    return _petition_queryset().filter(opened_at__lte=now, closes_at__gt=now).order_by("-opened_at", "-id")


def petition_for_page(tracking_number: str) -> Petition:
    """A petition open or once opened for signing; 404 for any other case,
    so the page reveals nothing of cases that are not public petitions."""
    number = normalise_tracking_number(tracking_number)
    petition = _petition_queryset().select_related("hearing", "response_reply__department").filter(
        case__tracking_number=number).first() if number else None
    if petition is None:
        raise Http404("No petition found")
    return petition


@dataclass(frozen=True)
class PublicText:
    title: str
    body: str
    answer: str


def public_text(petition: Petition) -> PublicText:
    """What the public reads of a petition: only the moderator's (possibly
    redacted) copies. Nothing before a moderator approved them."""
    publication = getattr(petition.case, "publication", None)
    if publication is None or publication.state != PublicationState.PUBLISHED:
        return PublicText(title="", body="", answer="")
    # The answer too is the moderator's copy: empty until they approve it.
    return PublicText(title=publication.title, body=publication.body, answer=publication.answer or "")


def open_surge_alerts(limit: int = 10, cases_per_alert: int = 5):
    """The hot-topics panel: open alerts, newest first, each with its latest
    few cases. Three queries whatever the number of alerts."""
    from django.db.models import Count

    from signatures.models import SurgeAlertCase

    latest_cases = SurgeAlertCase.objects.select_related("case").order_by("-case__submitted_at", "-case_id")
    return list(
        SurgeAlert.objects.filter(state=SurgeAlert.State.OPEN).select_related("category", "region")
        .annotate(listed=Count("alert_cases"))
        .prefetch_related(Prefetch("alert_cases", queryset=latest_cases[:cases_per_alert], to_attr="latest"))
        .order_by("-created_at", "-id")[:limit]
    )


def surge_alert_cases(alert: SurgeAlert):
    from petitions.models import Case

    return Case.objects.filter(id__in=alert.alert_cases.values("case_id")).select_related(
        "category", "region", "lead_department").order_by("-submitted_at", "-id")
