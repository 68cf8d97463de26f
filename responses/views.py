"""Pages and actions for officials and dispatchers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_official
from petitions.permissions import can_dispatch
from petitions.selectors import case_for_page
from petitions.views import case_page
from portal.errors import DomainError
from portal.pagination import paginate
from responses.forms import DispatchForm, ReplyForm, StatusFilterForm
from responses.selectors import inbox_for_user, routing_centre_queue
from responses.services import case_dispatch, case_reply, case_sign_for


@login_required
def inbox(request):
    if not is_official(request.user):
        raise PermissionDenied
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    page = paginate(request, inbox_for_user(request.user, status=status))
    return render(request, "responses/inbox.html", {"page": page, "filters": filters, "status": status or ""})


@login_required
def routing_centre(request):
    if not can_dispatch(request.user):
        raise PermissionDenied
    page = paginate(request, routing_centre_queue())
    return render(request, "responses/routing_centre.html", {"page": page})


def _refused(request, case_id, error: DomainError, **forms):
    """Show why the action was refused beside the case's current state,
    keeping what the user typed."""
    messages.error(request, error.message)
    return case_page(request, case_for_page(request.user, case_id), status=409, **forms)


@login_required
@require_POST
def case_sign_for_view(request, case_id: int):
    case = case_for_page(request.user, case_id)
    try:
        case_sign_for(actor=request.user, case_id=case.pk)
    except DomainError as error:
        return _refused(request, case.pk, error)
    messages.success(request, _("You have signed for this case. The reply deadline has started."))
    return redirect("petitions:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_reply_view(request, case_id: int):
    case = case_for_page(request.user, case_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, reply_form=form, status=400)
    try:
        case_reply(actor=request.user, case_id=case.pk, body=form.cleaned_data["body"])
    except DomainError as error:
        return _refused(request, case.pk, error, reply_form=form)
    messages.success(request, _("Your reply has been published to the citizen."))
    return redirect("petitions:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_dispatch_view(request, case_id: int):
    case = case_for_page(request.user, case_id)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, dispatch_form=form, status=400)
    try:
        case_dispatch(actor=request.user, case_id=case.pk, department=form.cleaned_data["department"],
                      note=form.cleaned_data["note"])
    except DomainError as error:
        return _refused(request, case.pk, error, dispatch_form=form)
    messages.success(request, _("The case has been dispatched."))
    return redirect("petitions:case_detail", case_id=case.pk)
