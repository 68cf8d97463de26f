"""Who may see and act on a case, in one place for pages and the API alike.

`get_case_for_user` raises the same 404 for a case that does not exist and
one the user may not see, so nobody learns that a case exists; each refusal
is logged for the audit. `case_sight` says what of a case a person may see
once they may open it; every page, API answer and download that shows part
of a case asks it."""

import logging
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.roles import Role, has_role, sees_every_case, user_department_ids, user_head_department_ids
from petitions.models import Attachment, Case, Channel

logger = logging.getLogger("wenzheng.access")

OFFLINE_CHANNELS = (Channel.PHONE, Channel.WALK_IN)


def cases_visible_to(user, queryset=None):
    """Citizens: their own cases and the earlier cases theirs were merged
    into. Officials: their departments' cases, led or assisted. Operators:
    the cases that came in by phone or in person. Dispatchers, supervisors
    and administrators: every case."""
    queryset = Case.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser or sees_every_case(user):
        return queryset
    from responses.models import CaseAssistance

    merged_from_own = Case.objects.filter(citizen=user).exclude(merged_into=None).values("merged_into")
    visible = Q(citizen=user) | Q(id__in=merged_from_own)
    departments = user_department_ids(user)
    if departments:
        visible |= Q(lead_department_id__in=departments)
        visible |= Q(id__in=CaseAssistance.objects.filter(department_id__in=departments).values("case_id"))
    if has_role(user, Role.OPERATOR):
        visible |= Q(channel__in=OFFLINE_CHANNELS)
    return queryset.filter(visible)


def get_case_for_user(user, case_id, queryset=None) -> Case:
    try:
        return cases_visible_to(user, queryset).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        logger.warning("case not shown: user=%s case=%s", getattr(user, "pk", None), case_id)
        raise Http404("No case found") from None


def log_refusal(user, case, action: str) -> None:
    logger.warning("action refused: user=%s case=%s action=%s", getattr(user, "pk", None), case.pk, action)


def can_handle(user, case) -> bool:
    """Officials of the lead department work the case."""
    return case.lead_department_id is not None and case.lead_department_id in user_department_ids(user)


def is_head_for(user, case) -> bool:
    return case.lead_department_id is not None and case.lead_department_id in user_head_department_ids(user)


def assisting_department_ids(user, case) -> list[int]:
    """The user's departments that assist on the case (one query)."""
    departments = user_department_ids(user)
    if not departments:
        return []
    return list(case.assistances.filter(department_id__in=departments).values_list("department_id", flat=True))


def can_dispatch(user) -> bool:
    return has_role(user, Role.DISPATCHER)


def can_record_for_citizens(user) -> bool:
    return has_role(user, Role.OPERATOR)


def is_owner(user, case) -> bool:
    return getattr(user, "is_authenticated", False) and case.citizen_id is not None and case.citizen_id == user.pk


@dataclass(frozen=True)
class CaseSight:
    """What one person may see of one case, and why: as its owner, as
    someone whose work it is, or as a follower (a citizen whose own
    duplicate was merged into it). A follower sees the case's progress and
    answers, never the other citizen's details, files or contact."""

    owner: bool = False
    staff: bool = False
    follower: bool = False

    @property
    def case(self) -> bool:
        """The case at all: its title, status, published answers, timeline."""
        return self.owner or self.staff or self.follower

    @property
    def details(self) -> bool:
        """What the citizen wrote: the body, the place, the requests for
        material and their answers, the rating, the publication choice."""
        return self.owner or self.staff

    @property
    def files(self) -> bool:
        """The attachments, listed and downloaded: the same as the details."""
        return self.details

    @property
    def contact(self) -> bool:
        return self.staff

    @property
    def internal(self) -> bool:
        """The departments' work: notes, drafts, returns, clocks, orders."""
        return self.staff


NO_SIGHT = CaseSight()


def case_sight(user, case) -> CaseSight:
    """The case page's rule, for one case and one person: the same grants as
    `cases_visible_to`. Work wins over following, so an official whose own
    duplicate was merged into a case of their department still works it."""
    if not getattr(user, "is_authenticated", False):
        return NO_SIGHT
    if is_owner(user, case):
        return CaseSight(owner=True)
    if works_on(user, case):
        return CaseSight(staff=True)
    if case.merged_cases.filter(citizen=user).exists():
        return CaseSight(follower=True)
    return NO_SIGHT


def works_on(user, case) -> bool:
    """The user's role or department opens the case to them (not their own
    case, nor one they follow)."""
    if user.is_superuser or sees_every_case(user):
        return True
    if has_role(user, Role.OPERATOR) and case.channel in OFFLINE_CHANNELS:
        return True
    departments = user_department_ids(user)
    if not departments:
        return False
    if case.lead_department_id in departments:
        return True
    return case.assistances.filter(department_id__in=departments).exists()


def get_attachment_for_user(user, case_id, attachment_id) -> Attachment:
    """An attachment of a case the user may open and whose files they may
    see (case_sight). A missing case, a missing attachment, another case's
    attachment and a forbidden one all raise the same 404."""
    case = get_case_for_user(user, case_id)
    attachment = None
    if case_sight(user, case).files:
        attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        logger.warning("attachment not shown: user=%s case=%s attachment=%s", getattr(user, "pk", None), case_id,
                       attachment_id)
        raise Http404("No case found")
    return attachment
