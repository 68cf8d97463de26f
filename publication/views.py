"""Pages of the public side (anyone may read them), the moderators' queue,
and the author's choice to show their name."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.phones import phone_spellings
from petitions.selectors import case_for_page
from portal.addresses import ratelimit_key
from portal.errors import DomainError
from portal.pagination import page_number, paginate, paginate_bounded
from publication import exports, list_cache
from publication.following import case_follow, case_unfollow, followed_public_cases, is_following
from publication.forms import ApproveForm, AuthorNameForm, PublicFilterForm, RejectForm
from publication.redaction import redact
from publication.search import Highlighter
from publication.selectors import (
    all_department_rates,
    answers_awaiting_review,
    awaiting_moderation,
    case_for_moderation,
    department_rates,
    department_trend,
    public_case,
    public_department,
    public_search,
    recent_answers,
    search_public_cases,
    similar_public_cases,
)
from publication.services import (
    can_moderate,
    latest_published_reply,
    publication_approve,
    publication_reject,
    publication_set_author_name,
)
from supervision.charts import line_chart
from supervision.ledger import current_head, public_key_pem
from supervision.selectors import ledger_checkpoints, ledger_signing_keys

# The events services write as the history's change reason.
DECISION_LABELS = {
    "approved": gettext_lazy("published as written"),
    "redacted": gettext_lazy("published with personal data removed"),
    "rejected": gettext_lazy("publication refused"),
    "author_name_shown": gettext_lazy("the author chose to show their name"),
    "author_name_hidden": gettext_lazy("the author chose to hide their name"),
}

# How much of a draft's details the similar-cases hint reads.
SIMILAR_TEXT_CHARS = 400


def case_list(request):
    """Published cases, filtered and searched; matches are marked. The
    results are the same for every visitor: rendered once per language,
    filters and page, and reused while nothing they show has changed, for
    SECONDS at most (publication.list_cache)."""
    form = PublicFilterForm(request.GET or None)
    filters = form.filters()
    number = page_number(request.GET.get("page"))
    results = list_cache.rendered(f"{get_language()}:{filters!r}:{number}",
                                  lambda: _case_list_results(filters, number, form.query_string()))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "publication/case_list.html", {"form": form, "results": results, "query": query.urlencode()})


def _case_list_results(filters, number: int, query: str) -> str:
    # Counted up to a limit: a search for a common word matches a large share of all public cases.
    search = public_search(filters)
    page = paginate_bounded(search.cases, number)
    highlighter = Highlighter.for_query(filters.query)
    rows = [(item, highlighter.mark(item.title), _excerpt(highlighter, item)) for item in page]
    return render_to_string("publication/case_list_results.html", {
        "page": page, "rows": rows, "query": query, "searching": bool(filters.query), "partial": search.partial})


def _excerpt(highlighter, publication):
    """From the details, or from the answer when only the answer matched."""
    if publication.answer and not highlighter.spans(publication.body) and highlighter.spans(publication.answer):
        return highlighter.excerpt(publication.answer)
    return highlighter.excerpt(publication.body)


def case_detail(request, tracking_number: str):
    publication = public_case(tracking_number)
    return render(request, "publication/case_detail.html", {
        "publication": publication, "case": publication.case,
        "following": is_following(request.user, publication.case_id),
    })


# --- following a public case -----------------------------------------------------------


@require_POST
def follow_case(request, tracking_number: str):
    return _follow_or_unfollow(request, tracking_number, follow=True)


@require_POST
def unfollow_case(request, tracking_number: str):
    return _follow_or_unfollow(request, tracking_number, follow=False)


def _follow_or_unfollow(request, tracking_number: str, *, follow: bool):
    page = reverse("publication:case_detail", kwargs={"tracking_number": tracking_number})
    if not request.user.is_authenticated:
        # Back to the case page after logging in, not to this POST-only address.
        return redirect_to_login(page)
    publication = public_case(tracking_number)  # the same 404 for a missing or private case
    try:
        if follow:
            case_follow(actor=request.user, case_id=publication.case_id)
        else:
            case_unfollow(actor=request.user, case_id=publication.case_id)
    except DomainError as error:  # no longer public since the page was read
        raise Http404("No public case found") from error
    messages.success(request, _("You follow this case: you will be told when its public answer is published.")
                     if follow else _("You no longer follow this case."))
    return redirect(page)


@login_required
def following(request):
    page = paginate(request, followed_public_cases(request.user))
    return render(request, "publication/following.html", {"page": page})


@ratelimit(key=ratelimit_key, rate="60/m", block=False)
def similar_cases(request):
    """The htmx fragment beside the submission form: published cases like
    the one being typed, so the citizen can read their answers first."""
    nearby = []
    if getattr(request, "limited", False):
        matches = []
    else:
        text = f"{request.GET.get('title', '')[:200]} {request.GET.get('body', '')[:SIMILAR_TEXT_CHARS]}"
        matches = similar_public_cases(text)
        point = _draft_point(request.GET)
        if point is not None:
            # Open cases about the same thing within MAP_NEAR_METRES of the pin come first (places).
            from places.selectors import nearby_open_similar

            category = request.GET.get("category", "")
            nearby = nearby_open_similar(text, *point, category_id=int(category) if category.isdigit() else None)
            shown = {item.publication.pk for item in nearby}
            matches = [match for match in matches if match.publication.pk not in shown]
    return render(request, "publication/similar_cases.html", {"matches": matches, "nearby": nearby,
                                                               "near_metres": settings.MAP_NEAR_METRES})


def _draft_point(params) -> tuple[float, float] | None:
    from places.conf import city_bounds

    try:
        lat, lon = float(params.get("latitude", "")), float(params.get("longitude", ""))
    except ValueError:
        return None
    return (lat, lon) if city_bounds().contains(lat, lon) else None


def department_list(request):
    now = timezone.now()
    return render(request, "publication/department_list.html", {"rows": all_department_rates(now=now)})


def department_detail(request, code: str):
    department = public_department(code)
    now = timezone.now()
    months = department_trend(department, now=now)
    labels = [timezone.localtime(row.key).strftime("%Y-%m") if row.key else "—" for row in months]
    chart = line_chart(
        title=_("Monthly rates of %(department)s") % {"department": department},
        labels=labels,
        series=[(_("Response rate"), [row.response_rate for row in months]),
                (_("On-time reply rate"), [row.on_time_rate for row in months]),
                (_("Resolution rate"), [row.resolution_rate for row in months]),
                (_("Satisfaction rate"), [row.satisfaction_rate for row in months])],
    )
    return render(request, "publication/department_detail.html", {
        "department": department, "rates": department_rates(department, now=now), "chart": chart,
        "months": list(zip(labels, months, strict=True)), "recent": recent_answers(department),
    })


# --- open data ---------------------------------------------------------------------


def cases_export(request, fmt: str):
    form = PublicFilterForm(request.GET or None)
    cases = search_public_cases(form.filters())
    return exports.cases_response(request, cases, fmt)


def rates_export(request, fmt: str):
    now = timezone.now()
    return exports.rates_response(all_department_rates(now=now), fmt, now=now)


# The checkpoints shown on the page; the open data has every one.
LEDGER_PAGE_CHECKPOINTS = 31


def ledger(request):
    """The supervision ledger's published heads and the keys that signed them."""
    sequence, hashed = current_head()
    keys = [{**key, "pem": public_key_pem(key["public_key"])} for key in ledger_signing_keys()]
    return render(request, "publication/ledger.html", {
        "head": f"{sequence}:{hashed}", "checkpoints": ledger_checkpoints()[:LEDGER_PAGE_CHECKPOINTS], "keys": keys,
    })


def ledger_export(request, fmt: str):
    return exports.checkpoints_response(ledger_checkpoints().reverse(), fmt)


# --- moderation ----------------------------------------------------------------------


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


@login_required
def moderation_queue(request):
    _require_moderator(request)
    page = paginate(request, awaiting_moderation())
    return render(request, "publication/moderation_queue.html", {
        "page": page, "answers": answers_awaiting_review()[:50],
    })


@login_required
@require_http_methods(["GET", "POST"])
def moderate_case(request, case_id: int):
    _require_moderator(request)
    case = case_for_moderation(case_id)
    reply = latest_published_reply(case)
    original = {"title": case.title, "body": case.body, "answer": reply.body if reply else ""}
    names = tuple(filter(None, [case.contact_name, getattr(case.citizen, "full_name", ""),
                                *phone_spellings(case.contact_phone), case.contact_email]))
    existing = getattr(case, "publication", None)
    if existing is not None and existing.is_public:
        initial = {"title": existing.title, "body": existing.body,
                   "answer": existing.answer if existing.answer_reply_id == getattr(reply, "pk", None)
                   else redact(original["answer"], names=names)}
    else:
        initial = {key: redact(value, names=names) for key, value in original.items()}
    approve_form = ApproveForm(initial=initial)
    reject_form = RejectForm()
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        # The answer the moderator had on their page: another one arriving
        # since must not be published unseen.
        reviewed = request.POST.get("reply_id", "")
        reviewed_reply_id = int(reviewed) if reviewed.isdigit() else None
        exact_location = request.POST.get("exact_location") == "on"
        try:
            if decision == "approve":
                publication_approve(actor=request.user, case_id=case.pk, **original, redacted=False,
                                    expected_reply_id=reviewed_reply_id, exact_location=exact_location)
                messages.success(request, _("Case %(number)s is published as written.")
                                 % {"number": case.tracking_number})
                return redirect("publication:moderation_queue")
            if decision == "redact":
                approve_form = ApproveForm(request.POST)
                if approve_form.is_valid():
                    texts = approve_form.cleaned_data
                    publication_approve(actor=request.user, case_id=case.pk, title=texts["title"],
                                        body=texts["body"], answer=texts["answer"],
                                        redacted=texts != {k: v.strip() for k, v in original.items()},
                                        expected_reply_id=reviewed_reply_id, exact_location=exact_location)
                    messages.success(request, _("Case %(number)s is published with your corrections.")
                                     % {"number": case.tracking_number})
                    return redirect("publication:moderation_queue")
            elif decision == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    publication_reject(actor=request.user, case_id=case.pk,
                                       reason=reject_form.cleaned_data["reason"],
                                       note=reject_form.cleaned_data["note"])
                    messages.success(request, _("Case %(number)s will not be published.")
                                     % {"number": case.tracking_number})
                    return redirect("publication:moderation_queue")
            else:
                messages.error(request, _("Choose one of the decisions below."))
        except DomainError as error:
            messages.error(request, error.message)
        status = 400
    history = [
        (record, DECISION_LABELS.get(record.history_change_reason or "", record.get_state_display()))
        for record in (existing.history.select_related("history_user").order_by("-history_date")[:20]
                       if existing is not None else [])
    ]
    return render(request, "publication/moderate_case.html", {
        "case": case, "reply": reply, "original": original, "publication": existing, "history": history,
        "approve_form": approve_form, "reject_form": reject_form,
        "precision": settings.MAP_PUBLIC_PRECISION_METRES,
    }, status=status)


# --- the author ------------------------------------------------------------------------


@login_required
@require_POST
def author_name(request, case_id: int):
    case = case_for_page(request.user, case_id)  # 404 for a case the user may not see
    form = AuthorNameForm(request.POST)
    form.is_valid()
    try:
        publication_set_author_name(actor=request.user, case_id=case.pk,
                                    show=form.cleaned_data.get("show_author_name", False))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your choice about showing your name is saved."))
    return redirect("petitions:case_detail", case_id=case.pk)

