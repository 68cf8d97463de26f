"""Public petition pages (anyone may read and sign), and the supervisors'
tools: bulk invalidation of signatures and the surge alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role, has_role
from portal.errors import DomainError
from portal.pagination import paginate
from signatures import throttle
from signatures.forms import InvalidationForm, SignForm
from signatures.models import PetitionSettings, SurgeAlert
from signatures.selectors import (
    invalidation_preview,
    open_for_signing,
    open_petitions,
    petition_for_page,
    public_text,
    surge_alert_cases,
)
from signatures.services import signature_confirm, signature_start, signatures_invalidate
from signatures.surges import surge_alert_close


def petition_list(request):
    page = paginate(request, open_petitions())
    rows = [(petition, public_text(petition)) for petition in page]
    return render(request, "signatures/petition_list.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def petition_detail(request, tracking_number: str):
    petition = petition_for_page(tracking_number)
    form = SignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        config = PetitionSettings.load()
        limited = throttle.check(request, action=throttle.Action.SIGN, email=request.POST.get("email", ""),
                                 config=config)
        if limited:
            return throttle.too_many_requests(request, limited)
        if form.is_valid():
            try:
                signature_start(
                    petition_id=petition.pk, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                    ip_address=throttle.client_address(request), language=request.LANGUAGE_CODE,
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                messages.success(request, _(
                    "Thank you. Unless this mailbox has already signed, a link is on its way to %(email)s: "
                    "open it to confirm your signature. It counts once confirmed."
                ) % {"email": form.cleaned_data["email"]})
                return redirect("signatures:detail", tracking_number=petition.case.tracking_number)
        else:
            status = 400
    context = {"petition": petition, "text": public_text(petition), "form": form,
               "is_open": open_for_signing(petition)}
    return render(request, "signatures/petition_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def signature_confirm_view(request, token: str):
    """The link in the e-mail opens a page with one button: mail scanners
    that follow links must not confirm a signature on the signer's behalf."""
    if request.method == "GET":
        return render(request, "signatures/confirm.html", {"token": token})
    try:
        signature, counted = signature_confirm(token=token)
    except DomainError as error:
        return render(request, "signatures/confirm.html", {"error": error.message}, status=400)
    # The petition as the confirmation read it, with the count it raised.
    petition = signature.petition
    return render(request, "signatures/confirm.html", {"done": True, "counted": counted, "petition": petition,
                                                       "text": public_text(petition)})


def _require_supervisor(request):
    if not has_role(request.user, Role.SUPERVISOR):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def invalidate(request):
    """Supervisors invalidate signatures in bulk: the first post shows how
    many match, the second (with a reason) invalidates them."""
    _require_supervisor(request)
    form = InvalidationForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        if "confirm" in request.POST:
            try:
                done = signatures_invalidate(actor=request.user, criteria=criteria,
                                             reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error("reason" if not form.cleaned_data["reason"] else None, error.message)
            else:
                messages.success(request, _(
                    "%(count)s signatures were invalidated; %(confirmed)s of them had been counted."
                ) % {"count": done.invalidated, "confirmed": done.confirmed_removed})
                return redirect("signatures:invalidate")
        preview = invalidation_preview(criteria)
    from signatures.models import SignatureInvalidation

    recent = SignatureInvalidation.objects.select_related("performed_by", "petition__case")[:10]
    return render(request, "signatures/invalidate.html", {"form": form, "preview": preview, "recent": recent})


@login_required
def surge_alert_detail(request, alert_id: int):
    _require_supervisor(request)
    alert = get_object_or_404(SurgeAlert.objects.select_related("category", "region", "closed_by"), pk=alert_id)
    page = paginate(request, surge_alert_cases(alert))
    return render(request, "signatures/surge_alert.html", {"alert": alert, "page": page, "now": timezone.now()})


@login_required
@require_POST
def surge_alert_close_view(request, alert_id: int):
    _require_supervisor(request)
    try:
        surge_alert_close(actor=request.user, alert_id=alert_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The alert is closed."))
    return redirect("supervision:dashboard")
