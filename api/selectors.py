"""Reads of the API app: tokens, and a case found by its tracking number
through the same visibility rule as the pages."""

from django.http import Http404

from api.models import ApiToken
from api.tokens import hash_token_key
from petitions.lifecycle import Status
from petitions.models import Case
from petitions.permissions import cases_visible_to, logger
from petitions.selectors import case_list_queryset
from petitions.tracking import normalise_tracking_number
from portal.compiled_query import CompiledQuery
from supervision.deadlines import answer_data, deadline_data


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def active_token_for_key(key: str) -> ApiToken | None:
    """The token with this key, not revoked, of an active account, with its
    account. Every API request reads it: its SQL is compiled once per
    process (portal.compiled_query)."""
    return _ACTIVE_TOKEN.first(hash_token_key(key))


# What case.get_status_display() gives, without its per-call hashing.
_STATUS_LABELS = dict(Status.choices)

_ACTIVE_TOKEN = CompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked=False, user__is_active=True),
    "key hash placeholder",
)


def case_for_api(user, tracking_number: str, queryset=None) -> Case:
    """The case with this tracking number if the user may see it; the same
    404 whether it is missing or forbidden (petitions.permissions)."""
    number = normalise_tracking_number(tracking_number)
    case = None
    if number is not None:
        base = case_list_queryset() if queryset is None else queryset
        case = cases_visible_to(user, base).filter(tracking_number=number).first()
    if case is None:
        logger.warning("case not shown: user=%s case=%s", getattr(user, "pk", None), tracking_number)
        raise Http404("No case found")
    return case


def case_detail_for(user, case: Case, *, just_filed: bool = False) -> dict:
    """What the case page shows this viewer (petitions.views.case_page), as
    data: a follower sees progress and answers, not the other citizen's
    details; staff also see the departments' internal work.

    just_filed: the case was created in this request, so it has no replies,
    material requests or feedback yet, and no attachments but the one it
    was filed with: those are not looked up."""
    from petitions.permissions import case_sight
    from petitions.selectors import case_timeline, filed_timeline
    from responses.models import ReplyState

    sight = case_sight(user, case)
    staff = sight.internal
    replies = []
    if not just_filed:
        replies = case.replies.select_related("department", "author").prefetch_related("cited_opinions__department")
        if not staff:
            replies = replies.filter(state=ReplyState.PUBLISHED)
    data = {
        "tracking_number": case.tracking_number, "title": case.title, "status": case.status,
        "status_label": _STATUS_LABELS.get(case.status, case.status), "kind": case.kind, "urgency": case.urgency,
        "category": case.category, "region": case.region, "lead_department": case.lead_department,
        "version": case.version, "submitted_at": case.submitted_at, "dispatched_at": case.dispatched_at,
        "signed_for_at": case.signed_for_at, "replied_at": case.replied_at, "closed_at": case.closed_at,
        "due_at": case.due_at,
        "deadline": deadline_data(case), "answer_expected_by": answer_data(case),
        "body": case.body if sight.details else None,
        "address": case.address if sight.details else None,
        "wants_public": case.wants_public if sight.details else None,
        "merged_into": case.merged_into.tracking_number if sight.details and case.merged_into_id else None,
        "viewer": {"is_owner": sight.owner, "is_follower": sight.follower, "is_staff": staff},
        "attachments": _attachments(case, just_filed) if sight.files else [],
        "material_requests": list(case.material_requests.all()) if sight.details and not just_filed else [],
        "replies": [_reply_for(reply, staff) for reply in replies],
        "timeline": (filed_timeline if just_filed else case_timeline)(case, viewer_is_staff=staff),
        "feedback": list(case.feedback.all()) if sight.details and not just_filed else [],
        "staff": None,
    }
    if staff:
        data["staff"] = {
            "channel": case.channel, "assigned_to": case.assigned_to,
            "contact": case,
            "notes": [] if just_filed else list(case.internal_notes.select_related("author")),
            "assistances": [] if just_filed else list(case.assistances.select_related("department", "opinion_by")),
            "returns": [] if just_filed else list(case.returns.select_related("department", "returned_by",
                                                                               "decided_by")),
            "return_visits": [] if just_filed else list(case.return_visits.select_related("operator")),
        }
    return data


def _attachments(case: Case, just_filed: bool) -> list:
    if just_filed:
        filed_with = getattr(case, "filed_attachment", None)
        return [filed_with] if filed_with is not None else []
    return list(case.attachments.all())


def _reply_for(reply, staff: bool) -> dict:
    """Citizens are not told which official wrote the reply, nor the head's note."""
    return {
        "department": reply.department, "body": reply.body, "state": reply.state,
        "published_at": reply.published_at, "cited_opinions": reply.cited_opinions,
        "author": reply.author if staff else None, "review_note": reply.review_note if staff else "",
    }


def case_supervision_for(case: Case) -> dict:
    """The case's supervision records: its clocks with their event logs and
    extensions, and its supervision orders."""
    clocks = case.clocks.select_related("department").prefetch_related("events__actor", "extensions__requested_by",
                                                                       "extensions__decided_by")
    orders = case.supervision_orders.select_related("department", "issued_by", "responded_by")
    return {"case": case.tracking_number, "clocks": list(clocks), "orders": list(orders)}
