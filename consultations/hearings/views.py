"""Pages of hearings: the public page of a hearing with its application
form and minutes, and the department's pages to announce a hearing, select
its participants and publish its minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consultations.forms import row_id
from consultations.hearings import selectors, services
from consultations.hearings.forms import ApplyForm, DecisionForm, HearingForm, MinutesForm
from consultations.hearings.models import ApplicationState
from consultations.permissions import can_draft, get_consultation_for_department, get_consultation_public
from portal.errors import DomainError
from portal.pagination import paginate


@require_GET
def hearing_detail(request, consultation_id: int, hearing_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    hearing = selectors.hearing_of(consultation, hearing_id)
    return render(request, "consultations/hearings/detail.html", {
        "consultation": consultation, "hearing": hearing,
        "application": selectors.own_application(request.user, hearing),
        "form": ApplyForm(), "may_manage": can_draft(request.user, consultation),
    })


@login_required
@require_POST
def hearing_apply(request, consultation_id: int, hearing_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    hearing = selectors.hearing_of(consultation, hearing_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a few words what you wish to say at the hearing (at most 1,000 "
                                  "characters)."))
    else:
        try:
            services.hearing_apply(actor=request.user, hearing_id=hearing.pk,
                                   statement=form.cleaned_data["statement"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application is recorded. You will be told whether you are "
                                        "selected."))
    return redirect("consultations:hearing", consultation.pk, hearing.pk)


@require_GET
def minutes_download(request, consultation_id: int, hearing_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    hearing = selectors.hearing_of(consultation, hearing_id)
    if not hearing.minutes_published_at or not hearing.minutes_file:
        raise Http404("No minutes found")
    try:
        handle = hearing.minutes_file.open("rb")
    except FileNotFoundError:  # removed from disk
        raise Http404("No minutes found") from None
    return FileResponse(handle, content_type="application/pdf", as_attachment=False,
                        filename=f"hearing-{hearing.pk}-minutes.pdf")


# --- the department -------------------------------------------------------------------------


@login_required
def hearings_manage(request, consultation_id: int):
    """The consultation's hearings, and the form to announce one."""
    consultation = get_consultation_for_department(request.user, consultation_id)
    form = HearingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                hearing = services.hearing_announce(actor=request.user, consultation_id=consultation.pk,
                                                    **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The hearing is announced on the consultation's page."))
                return redirect("consultations:hearing_applications", consultation.pk, hearing.pk)
        else:
            messages.error(request, _("Give the date, place, seats and the date applications close."))
    return render(request, "consultations/hearings/manage.html", {
        "consultation": consultation, "hearings": list(selectors.hearings_of(consultation)), "form": form,
    })


@login_required
def hearing_applications(request, consultation_id: int, hearing_id: int):
    """Select the participants; each refusal with its reason."""
    consultation = get_consultation_for_department(request.user, consultation_id)
    hearing = selectors.hearing_of(consultation, hearing_id)
    if request.method == "POST":
        application_id = row_id(request.POST.get("application"))
        application = selectors.applications_of(hearing).filter(pk=application_id).first()
        if application is None:
            raise Http404("No application found")
        form = DecisionForm(request.POST, prefix=f"a{application.pk}")
        if not form.is_valid():
            messages.error(request, _("Choose a decision, and a reason for not selecting."))
        else:
            try:
                services.application_decide(actor=request.user, application_id=application.pk,
                                            select=form.cleaned_data["decision"] == "select",
                                            reason=form.cleaned_data["reason"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The decision is recorded and the applicant is told."))
        return redirect("consultations:hearing_applications", consultation.pk, hearing.pk)
    state = request.GET.get("state", "")
    state = state if state in ApplicationState.values else ""
    page = paginate(request, selectors.applications_of(hearing, state=state))
    return render(request, "consultations/hearings/applications.html", {
        "consultation": consultation, "hearing": hearing, "applications": page, "state": state,
        "states": ApplicationState.choices,
        "forms": [(application, DecisionForm(prefix=f"a{application.pk}")) for application in page],
        "minutes_form": MinutesForm(initial={"minutes": hearing.minutes}),
    })


@login_required
@require_POST
def minutes_publish(request, consultation_id: int, hearing_id: int):
    consultation = get_consultation_for_department(request.user, consultation_id)
    hearing = selectors.hearing_of(consultation, hearing_id)
    form = MinutesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write the minutes of the hearing."))
    else:
        try:
            services.minutes_publish(actor=request.user, hearing_id=hearing.pk, minutes=form.cleaned_data["minutes"],
                                     upload=form.cleaned_data["file"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The minutes are published on the consultation's page."))
    return redirect("consultations:hearing_applications", consultation.pk, hearing.pk)
