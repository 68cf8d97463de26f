"""Reads of the API app: tokens, and a case found by its tracking number
through the same visibility rule as the pages."""

from django.http import Http404

from api.models import ApiToken
from api.tokens import hash_token_key
from petitions.models import Case
from petitions.permissions import cases_visible_to, logger
from petitions.selectors import case_list_queryset
from petitions.tracking import normalise_tracking_number
from supervision.deadlines import answer_data, deadline_data


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def active_token_for_key(key: str) -> ApiToken | None:
    """The token with this key, not revoked, of an active account, with its account."""
    return (ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token_key(key), revoked=False, user__is_active=True).first())


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


def case_detail_for(user, case: Case) -> dict:
    """What the case page shows this viewer (petitions.views.case_page), as
    data for CaseDetailSerializer: a follower sees progress and answers, not
    the other citizen's details; staff also see the departments' internal work."""
    from petitions.permissions import case_sight
    from petitions.selectors import case_timeline
    from responses.models import ReplyState

    sight = case_sight(user, case)
    staff = sight.internal
    replies = case.replies.select_related("department", "author").prefetch_related("cited_opinions__department")
    if not staff:
        replies = replies.filter(state=ReplyState.PUBLISHED)
    data = {
        "case": case,  # what every viewer sees of it (api.serializers.CaseDetailSerializer)
        "deadline": deadline_data(case), "answer_expected_by": answer_data(case),
        "body": case.body if sight.details else None,
        "address": case.address if sight.details else None,
        "wants_public": case.wants_public if sight.details else None,
        "merged_into": case.merged_into.tracking_number if sight.details and case.merged_into_id else None,
        "viewer": {"is_owner": sight.owner, "is_follower": sight.follower, "is_staff": staff},
        "attachments": list(case.attachments.all()) if sight.files else [],
        "material_requests": list(case.material_requests.all()) if sight.details else [],
        "replies": [_reply_for(reply, staff) for reply in replies],
        "timeline": case_timeline(case, viewer_is_staff=staff),
        "feedback": list(case.feedback.all()) if sight.details else [],
        "staff": None,
    }
    if staff:
        data["staff"] = {
            "channel": case.channel, "assigned_to": case.assigned_to,
            "contact": case,
            "notes": list(case.internal_notes.select_related("author")),
            "assistances": list(case.assistances.select_related("department", "opinion_by")),
            "returns": list(case.returns.select_related("department", "returned_by", "decided_by")),
            "return_visits": list(case.return_visits.select_related("operator")),
        }
    return data


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


def filed_attachment_names(case: Case) -> list[str]:
    return list(case.attachments.order_by("id").values_list("original_name", flat=True))
