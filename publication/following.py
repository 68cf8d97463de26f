"""Following a public case instead of filing the same matter again: the
follower is told when the case's public answer is published.

Only public cases can be followed; a case that is not (or no longer) public
gives the same error as a missing one, so following reveals nothing."""

from django.utils.translation import gettext as _

from portal.errors import ActionForbidden, DomainError
from publication.models import CaseFollow
from publication.selectors import public_cases


def _public_case_id(actor, case_id) -> int:
    if actor is None or not actor.is_authenticated:
        raise ActionForbidden(_("Log in to follow a case."))
    public_id = public_cases().filter(case_id=case_id).values_list("case_id", flat=True).first()
    if public_id is None:
        raise DomainError(_("No such public case."))
    return public_id


def case_follow(*, actor, case_id: int) -> CaseFollow:
    """Follow a public case; following it again changes nothing."""
    case_id = _public_case_id(actor, case_id)
    follow, _created = CaseFollow.objects.get_or_create(user=actor, case_id=case_id)
    return follow


def case_unfollow(*, actor, case_id: int) -> None:
    """Stop following a public case; nothing happens when one did not follow it."""
    case_id = _public_case_id(actor, case_id)
    CaseFollow.objects.filter(user=actor, case_id=case_id).delete()


def is_following(user, case_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return CaseFollow.objects.filter(user=user, case_id=case_id).exists()


def followed_public_cases(user):
    """The public cases `user` follows, most recently followed first (one
    query; served by the (user, -created_at) index)."""
    return (public_cases().filter(case__follows__user=user)
            .order_by("-case__follows__created_at", "-id"))

