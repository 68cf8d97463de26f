"""Pages of the comment export: choose a format, watch the progress (the
status is polled by htmx), download the file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from consultations.exports import selectors, services
from portal.errors import DomainError


@login_required
def export_start(request, consultation_id: int):
    consultation = selectors.get_consultation_for_export(request.user, consultation_id)
    if request.method == "POST":
        try:
            export = services.comment_export_start(actor=request.user, consultation=consultation,
                                                   format=request.POST.get("format", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("consultations:export_status", consultation.pk, export.pk)
    return render(request, "consultations/exports/start.html", {
        "consultation": consultation, "exports": list(selectors.recent_exports(consultation)),
    })


@login_required
@require_GET
def export_status(request, consultation_id: int, export_id: int):
    consultation = selectors.get_consultation_for_export(request.user, consultation_id)
    export = selectors.export_for(consultation, export_id)
    template = ("consultations/exports/_progress.html" if request.headers.get("HX-Request")
                else "consultations/exports/status.html")
    return render(request, template, {"consultation": consultation, "export": export})


@login_required
@require_GET
def export_download(request, consultation_id: int, export_id: int):
    consultation = selectors.get_consultation_for_export(request.user, consultation_id)
    export = selectors.export_for(consultation, export_id, done=True)
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError):  # removed from disk, or never written
        raise Http404("No export found") from None
    return FileResponse(handle, as_attachment=True,
                        filename=f"consultation-{consultation.pk}-comments-{export.pk}.{export.format}")
