"""Pages for citizens: submit, follow, look up a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from petitions.forms import CaseLookupForm, CaseSubmitForm
from petitions.lifecycle import Action, is_allowed
from petitions.models import Attachment
from petitions.permissions import can_dispatch, can_handle, is_owner
from petitions.selectors import case_for_page, case_lookup, case_timeline, cases_for_citizen
from petitions.services import case_submit
from portal.pagination import paginate
from responses.forms import DispatchForm, ReplyForm


def home(request):
    return render(request, "petitions/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def case_submit_view(request):
    form = CaseSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case, created = case_submit(
            actor=request.user,
            kind=data["kind"],
            category=data["category"],
            region=data["region"],
            urgency=data["urgency"],
            title=data["title"],
            body=data["body"],
            address=data["address"],
            contact_name=data["contact_name"] or request.user.full_name,
            contact_phone=data["contact_phone"],
            contact_email=request.user.email,
            wants_public=data["wants_public"],
            attachment=data["attachment"],
            submission_key=data["submission_key"],
            language=request.LANGUAGE_CODE,
        )
        if created:
            messages.success(
                request,
                _(
                    "Your case has been received. Its tracking number is %(number)s; "
                    "a receipt is on its way to %(email)s."
                )
                % {"number": case.tracking_number, "email": case.contact_email},
            )
        return redirect("petitions:case_detail", case_id=case.pk)
    return render(request, "petitions/case_submit.html", {"form": form})


@login_required
def case_detail(request, case_id: int):
    return case_page(request, case_for_page(request.user, case_id))


def case_page(request, case, *, reply_form=None, dispatch_form=None, status: int = 200):
    """The case page, for every role: what the viewer may do is shown, the
    rest is not. Action views re-render it with their bound form on error,
    so a reply that could not be sent is not lost."""
    handles = can_handle(request.user, case)
    context = {
        "case": case,
        "attachments": case.attachments.all(),
        "replies": case.replies.select_related("department"),
        "timeline": case_timeline(case, viewer=request.user),
        "is_owner": is_owner(request.user, case),
        "can_sign_for": handles and is_allowed(case.status, Action.SIGN_FOR),
        "can_reply": handles and is_allowed(case.status, Action.REPLY),
        "can_dispatch": can_dispatch(request.user) and is_allowed(case.status, Action.DISPATCH),
        "reply_form": reply_form or ReplyForm(),
        "dispatch_form": dispatch_form or DispatchForm(),
    }
    return render(request, "petitions/case_detail.html", context, status=status)


@login_required
def my_cases(request):
    page = paginate(request, cases_for_citizen(request.user))
    return render(request, "petitions/my_cases.html", {"page": page})


@login_required
def attachment_download(request, case_id: int, attachment_id: int):
    case = case_for_page(request.user, case_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("No attachment found") from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            as_attachment=attachment.content_type == "application/pdf",
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@ratelimit(key="ip", rate="20/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def case_lookup_view(request):
    """Status by tracking number and e-mail, without an account. Rate
    limited per address, and the same answer whichever of the two is wrong."""
    form = CaseLookupForm(request.POST or None)
    case = None
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many look-ups from your address. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            case = case_lookup(tracking_number=form.cleaned_data["tracking_number"], email=form.cleaned_data["email"])
            if case is None:
                form.add_error(None, _("No case matches that tracking number and e-mail address."))
    replies = case.replies.select_related("department") if case else []
    context = {"form": form, "case": case, "replies": replies}
    return render(request, "petitions/case_lookup.html", context, status=status)
