"""Flood limits on commenting: the signatures' shared counters in the cache
(signatures.throttle), at the rates ConsultationSettings holds, per client
address and per e-mail domain of the commenters."""

from consultations.models import ConsultationSettings
from signatures import throttle
from signatures.models import PetitionSettings

TEMPLATE = "consultations/too_many_comments.html"


def check_comment(request) -> throttle.Limited | None:
    """Count this comment and say whether it is over a limit. Large mail
    providers have no per-domain limit, as for signatures."""
    config = ConsultationSettings.load()
    return throttle.check_rates(
        request, group="consultations.comment", email=getattr(request.user, "email", "") or "",
        address_rate=config.comment_rate_per_address, domain_rate=config.comment_rate_per_domain,
        unlimited_domains=PetitionSettings.load().unlimited_domain_set())


def too_many_comments(request, limited: throttle.Limited):
    return throttle.too_many_requests(request, limited, template=TEMPLATE)
