"""Pages and actions for officials and dispatchers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.roles import is_official
from petitions.lifecycle import Status
from petitions.permissions import can_dispatch, log_refusal
from petitions.selectors import case_for_page
from petitions.views import case_page
from portal.errors import CaseChanged, DomainError
from portal.pagination import paginate, paginate_bounded
from portal.row_cache import cached_rows, case_row_key
from responses.actions import ACTIONS_BY_NAME
from responses.forms import InboxFilterForm
from responses.selectors import inbox_search, routing_centre_queue
from responses.services import cases_sign_for


@login_required
def inbox(request):
    if not is_official(request.user):
        raise PermissionDenied
    filters = InboxFilterForm(request.GET or None)
    search = inbox_search(request.user, filters.filters())
    # A department has tens of thousands of cases: counted up to a limit, not whole.
    page = paginate_bounded(search.cases, request.GET.get("page"))
    rows = cached_rows(list(page), key=lambda case: case_row_key("inbox-row", case),
                       make=lambda case: render_to_string("responses/inbox_row.html", {"case": case}))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "responses/inbox.html", {"page": page, "rows": rows, "filters": filters,
                                                    "query": query.urlencode(), "partial": search.partial})


@login_required
@require_POST
def inbox_sign_for(request):
    """Sign for the ticked cases at once; each is reported on its own."""
    if not is_official(request.user):
        raise PermissionDenied
    ids = [int(value) for value in request.POST.getlist("case") if value.isdigit()]
    outcome = cases_sign_for(actor=request.user, case_ids=ids)
    signed = sum(1 for refusal in outcome.values() if refusal is None)
    if signed:
        messages.success(request, ngettext("Signed for %(count)d case.", "Signed for %(count)d cases.", signed)
                         % {"count": signed})
    for refusal in {refusal for refusal in outcome.values() if refusal}:
        messages.error(request, refusal)
    if not ids:
        messages.error(request, _("Tick the cases to sign for first."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "responses:inbox"
    return redirect(target)


@login_required
def routing_centre(request):
    if not can_dispatch(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = paginate(request, routing_centre_queue(status=status))
    return render(request, "responses/routing_centre.html", {
        "page": page, "status": status, "query": f"status={status}" if status else "",
        "statuses": [(Status.ROUTING_CENTRE, Status.ROUTING_CENTRE.label), (Status.RETURNED, Status.RETURNED.label)],
    })


@login_required
@require_POST
def case_action(request, case_id: int, name: str):
    """Run one action from the case page. A refusal, or a form filled in on
    an older version of the case, is shown beside the case's current state
    with what the user typed kept in the form."""
    case = case_for_page(request.user, case_id)
    action = ACTIONS_BY_NAME.get(name)
    if action is None:
        raise Http404("No such action")
    form = action.form(request.POST, request.FILES, case=case, user=request.user)
    if not action.offered(request.user, case):
        if request.POST.get("version") not in (None, "", str(case.version)):
            # The page was drawn before someone else moved the case on.
            messages.error(request, CaseChanged.default_message())
            return case_page(request, case, status=409)
        log_refusal(request.user, case, name)
        messages.error(request, _("You cannot take this action on the case as it stands now."))
        return case_page(request, case, status=403)
    if not form.is_valid():
        # Shown on the form, like any form's errors.
        return case_page(request, case, failed_action=name, failed_form=form)
    try:
        told = action.run(request.user, case, form.cleaned_data, form.cleaned_data.get("version"))
    except DomainError as error:
        messages.error(request, error.message)
        fresh = case_for_page(request.user, case_id)
        if isinstance(error, CaseChanged):
            # The form is redrawn from the current version; the text typed stays.
            data = request.POST.copy()
            data["version"] = fresh.version
            form = action.form(data, request.FILES, case=fresh, user=request.user)
            form.is_valid()
        return case_page(request, fresh, failed_action=name, failed_form=form, status=409)
    messages.success(request, told if isinstance(told, str) else action.done)
    try:
        return redirect("petitions:case_detail", case_id=case_for_page(request.user, case_id).pk)
    except Http404:
        # The action took the case out of the actor's sight (returned, re-routed).
        return redirect("responses:inbox" if is_official(request.user) else "home")
