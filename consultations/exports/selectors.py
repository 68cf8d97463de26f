"""Who may export a consultation's comments, and the reads the export
needs. Missing and forbidden are the same 404."""

from django.http import Http404

from accounts.roles import Role, has_role
from consultations.exports.models import CommentExport
from consultations.models import Comment, Consultation
from consultations.permissions import can_draft


def can_export(user, consultation) -> bool:
    """The department's officials, and supervisors (who audit every
    department's consultations)."""
    return can_draft(user, consultation) or has_role(user, Role.SUPERVISOR)


def get_consultation_for_export(user, consultation_id):
    try:
        consultation = Consultation.objects.select_related("department").filter(pk=consultation_id).first()
    except (ValueError, TypeError):
        consultation = None
    if consultation is None or not can_export(user, consultation):
        raise Http404("No consultation found")
    return consultation


def export_for(consultation, export_id, *, done: bool = False) -> CommentExport:
    """An export of this consultation, for whoever may export it now."""
    exports = CommentExport.objects.filter(consultation=consultation, pk=export_id)
    if done:
        exports = exports.filter(state=CommentExport.State.DONE)
    export = exports.first()
    if export is None:
        raise Http404("No export found")
    return export


def recent_exports(consultation, limit: int = 10):
    return (CommentExport.objects.filter(consultation=consultation).select_related("requested_by")
            .order_by("-created_at")[:limit])


def comments_for_export(consultation):
    return Comment.objects.filter(consultation=consultation).select_related("section", "group").order_by("pk")
