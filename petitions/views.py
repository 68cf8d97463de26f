"""Pages for citizens: submit, follow, look up a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from notifications.selectors import receipt_texted
from petitions.forms import CaseLookupForm, CaseRecordForm, CaseSubmitForm
from petitions.permissions import can_record_for_citizens, case_sight, get_attachment_for_user
from petitions.selectors import case_for_page, case_lookup, case_timeline, cases_for_citizen
from petitions.services import case_record_for_citizen, case_submit
from petitions.tracking import normalise_tracking_number
from portal.addresses import ratelimit_key
from portal.errors import DomainError
from portal.pagination import paginate
from responses.models import ReplyState


def home(request):
    from portal import front

    now = timezone.now()
    return render(request, "petitions/home.html", {
        "figures": front.month_figures(now=now),
        "month": timezone.localdate(now),
        "answers": front.latest_answers(),
        "topics": front.hot_topics(now=now),
        "departments": front.front_departments(),
        "limits": front.deadline_limits(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_submit_view(request):
    form = CaseSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        # Flood limits per client address and e-mail domain (signatures app).
        from signatures.throttle import Action, check, too_many_requests

        limited = check(request, action=Action.SUBMIT, email=request.user.email or "")
        if limited:
            return too_many_requests(request, limited)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, created = case_submit(
                actor=request.user,
                kind=data["kind"],
                category=data["category"],
                region=data["region"],
                urgency=data["urgency"],
                title=data["title"],
                body=data["body"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                contact_name=data["contact_name"] or request.user.full_name,
                contact_phone=data["contact_phone"] or (request.user.phone if request.user.phone_confirmed else ""),
                contact_email=request.user.email or "",
                wants_public=data["wants_public"],
                attachment=data["attachment"],
                submission_key=data["submission_key"],
                language=request.LANGUAGE_CODE,
            )
            if not created:
                messages.info(request, _("This form had already been sent: here is the case it created. "
                                         "To file another case, open “Submit a case” again."))
            else:
                if case.contact_email:
                    messages.success(
                        request,
                        _(
                            "Your case has been received. Its tracking number is %(number)s; "
                            "a receipt is on its way to %(email)s."
                        )
                        % {"number": case.tracking_number, "email": case.contact_email},
                    )
                else:
                    messages.success(request, _("Your case has been received. Its tracking number is %(number)s.")
                                     % {"number": case.tracking_number})
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("petitions:case_detail", case_id=case.pk)
    return render(request, "petitions/case_submit.html", {"form": form})


@login_required
def case_detail(request, case_id: int):
    return case_page(request, case_for_page(request.user, case_id))


def case_page(request, case, *, failed_action: str = "", failed_form=None, status: int = 200):
    """The case page, for every role: what the viewer may know and do is
    shown, the rest is not. An action that failed re-renders the page with
    its bound form, so what the user typed is not lost."""
    from responses.actions import offered_actions
    from responses.selectors import reply_templates_for, similar_open_cases

    user = request.user
    sight = case_sight(user, case)
    staff = sight.internal
    template = None
    panels = []
    for action in offered_actions(user, case):
        if action.name == failed_action and failed_form is not None:
            form = failed_form
        elif action.name == "reply":
            template = _chosen_template(request, case)
            form = action.form(case=case, user=user, template=template)
        else:
            form = action.form(case=case, user=user)
        # Several panels share field names (note, reason): ids of their own keep each label on its field.
        form.auto_id = f"id_{action.name}_%s"
        panels.append({"action": action, "form": form})
    offered = {panel["action"].name for panel in panels}
    replies = case.replies.select_related("department")
    context = {
        "case": case,
        "sight": sight,
        "is_owner": sight.owner,
        "is_follower": sight.follower,
        "staff_view": staff,
        "attachments": case.attachments.all() if sight.files else [],
        "replies": replies.prefetch_related("cited_opinions__department") if staff else replies.filter(
            state=ReplyState.PUBLISHED).prefetch_related("cited_opinions__department"),
        "timeline": case_timeline(case, viewer_is_staff=staff),
        "material_requests": case.material_requests.all() if sight.details else [],
        "panels": panels,
        "reply_templates": reply_templates_for(case) if "reply" in offered else [],
        "similar_cases": similar_open_cases(case) if "merge" in offered else [],
    }
    if staff:
        context.update(
            notes=case.internal_notes.select_related("author"),
            assistances=case.assistances.select_related("department", "opinion_by"),
            returns=case.returns.select_related("department", "returned_by", "decided_by"),
            return_visits=case.return_visits.select_related("operator"),
            clocks=case.clocks.select_related("department").prefetch_related("events__actor", "extensions"),
            orders=case.supervision_orders.select_related("department", "issued_by", "responded_by"),
        )
    context["feedback"] = case.feedback.all() if sight.details else []
    return render(request, "petitions/case_detail.html", context, status=status)


def _chosen_template(request, case):
    from responses.selectors import reply_templates_for

    template_id = request.GET.get("template")
    if not template_id or not template_id.isdigit():
        return None
    return reply_templates_for(case).filter(pk=template_id).first()


@login_required
@require_http_methods(["GET", "POST"])
def case_record_view(request):
    """Operators record a case that came by phone or in person."""
    if not can_record_for_citizens(request.user):
        raise PermissionDenied
    form = CaseRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, created = case_record_for_citizen(
                actor=request.user, channel=data["channel"], kind=data["kind"], category=data["category"],
                region=data["region"], urgency=data["urgency"], title=data["title"], body=data["body"],
                address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                contact_email=data["contact_email"], wants_public=data["wants_public"],
                attachment=data["attachment"], submission_key=data["submission_key"], language=request.LANGUAGE_CODE,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if created:
                messages.success(
                    request,
                    _("The case was recorded. Read the tracking number to the citizen: %(number)s")
                    % {"number": case.tracking_number},
                )
                if receipt_texted(case):
                    messages.info(request, _("The receipt is texted to the citizen's mobile number."))
            else:
                messages.info(request, _("This form had already been sent: here is the case it created."))
            return redirect("petitions:case_detail", case_id=case.pk)
    return render(request, "petitions/case_record.html", {"form": form})


@login_required
def my_cases(request):
    page = paginate(request, cases_for_citizen(request.user))
    return render(request, "petitions/my_cases.html", {"page": page})


@login_required
def attachment_download(request, case_id: int, attachment_id: int):
    attachment = get_attachment_for_user(request.user, case_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("No case found") from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            as_attachment=attachment.content_type == "application/pdf",
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@ratelimit(key=ratelimit_key, rate="20/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def case_lookup_view(request):
    """Status by tracking number and e-mail, without an account. Rate
    limited per address, and the same answer whichever of the two is wrong."""
    form = CaseLookupForm(request.POST or None, initial={"tracking_number": request.GET.get("n", "")[:40]})
    case = None
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many look-ups from your address. Wait a minute and try again."))
            status = 429
        elif form.is_valid():
            case = case_lookup(tracking_number=form.cleaned_data["tracking_number"], email=form.cleaned_data["email"])
            if case is None:
                form.add_error(None, _("No case matches that tracking number and contact."))
    replies = case.replies(manager="published").select_related("department") if case else []
    context = {"form": form, "case": case, "replies": replies}
    return render(request, "petitions/case_lookup.html", context, status=status)


def case_short_link(request, number: str):
    """The short address a text carries: the look-up page with the number
    filled in (the case itself still needs the contact it was filed with)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    tracking = normalise_tracking_number(number)
    query = f"?{urlencode({'n': tracking})}" if tracking else ""
    return redirect(reverse("petitions:case_lookup") + query)
