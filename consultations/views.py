"""Pages of consultations: the public list, feed and page with its comment
form, a citizen's own comments, the department's drafting and report page,
and the moderators' queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Department
from accounts.roles import Role, has_role, user_department_ids
from consultations import selectors, services, throttle
from consultations.forms import (
    CommentForm,
    ConsultationForm,
    DocumentForm,
    FeedbackForm,
    InvalidationForm,
    ModerateForm,
    PublishForm,
    ReportForm,
    TextForm,
    row_id,
)
from consultations.models import Comment, Document, Phase
from consultations.permissions import (
    can_comment,
    can_draft,
    can_moderate,
    can_publish,
    get_consultation_for_department,
    get_consultation_for_moderation,
    get_consultation_public,
)
from petitions.models import Category
from portal.addresses import client_address
from portal.errors import DomainError
from portal.pagination import paginate, paginate_bounded


@require_GET
def consultation_list(request):
    department, topic = row_id(request.GET.get("department")), row_id(request.GET.get("topic"))
    # PostgreSQL refuses NUL in a string; no title holds one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    listed = selectors.consultations_listed(department=department, topic=topic, query=query)
    return render(request, "consultations/list.html", {
        "open": list(listed["open"][:50]), "upcoming": list(listed["upcoming"][:50]),
        "closed": paginate(request, listed["closed"]),
        "departments": Department.objects.filter(is_active=True).order_by("name"),
        "topics": Category.objects.filter(is_active=True).order_by("name"),
        "department": department, "topic": topic, "q": query,
        "may_draft": bool(user_department_ids(request.user)),
    })


class ConsultationsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Consultations on draft decisions")
    description = gettext_lazy("Drafts published for comment, and what was adopted.")

    def link(self):
        return reverse("consultations:list")

    def items(self):
        return selectors.consultations_started()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("consultations:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.opens_at


def consultation_detail(request, consultation_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    sections = selectors.sections_with_counts(consultation)
    comments = paginate_bounded(selectors.public_comments(consultation), request.GET.get("page"))
    context = {
        "consultation": consultation, "sections": sections, "phase": consultation.phase,
        "counts": selectors.comment_counts(consultation),
        "documents": list(consultation.documents.order_by("pk")),
        "versions": list(consultation.versions.order_by("number")),
        "comments": comments, "comments_key": selectors.comments_digest(comments),
        "draft_key": selectors.draft_digest(consultation, sections),
        "may_comment": can_comment(request.user, consultation),
        "may_draft": can_draft(request.user, consultation), "may_moderate": can_moderate(request.user),
        "form": CommentForm(sections=sections),
    }
    if consultation.phase == Phase.REPORTED:
        context["report"] = selectors.feedback_report(consultation)
    return render(request, "consultations/detail.html", context)


@require_GET
def section_comments(request, consultation_id: int, number: int):
    """One section's text and its published comments, a bounded page at a time."""
    consultation = get_consultation_public(request.user, consultation_id)
    section = consultation.sections.filter(number=number).first()
    if section is None or not consultation.comments_public:
        raise Http404("No section found")
    comments = paginate_bounded(selectors.public_comments(consultation, section=section), request.GET.get("page"))
    return render(request, "consultations/section_comments.html", {
        "consultation": consultation, "section": section, "comments": comments,
        "comments_key": selectors.comments_digest(comments),
    })


@require_GET
def document_download(request, consultation_id: int, document_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    document = Document.objects.filter(pk=document_id, consultation=consultation).first()
    if document is None:
        raise Http404("No document found")
    return FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"{document.title}.pdf")


@login_required
@require_POST
def comment_submit(request, consultation_id: int):
    consultation = get_consultation_public(request.user, consultation_id)
    limited = throttle.check_comment(request)
    if limited:
        return throttle.too_many_comments(request, limited)
    form = CommentForm(request.POST, sections=consultation.sections.all())
    if not form.is_valid():
        messages.error(request, _("Write your comment (at most 5,000 characters)."))
        return redirect("consultations:detail", consultation.pk)
    try:
        services.comment_submit(actor=request.user, consultation_id=consultation.pk,
                                section_id=form.cleaned_data["section"], quote=form.cleaned_data["quote"],
                                stance=form.cleaned_data["stance"], body=form.cleaned_data["body"],
                                ip_address=client_address(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your comment is recorded. You may change it until the window "
                                    "closes."))
    return redirect("consultations:detail", consultation.pk)


@login_required
def comment_edit(request, comment_id: int):
    comment = Comment.objects.select_related("consultation").filter(pk=comment_id, author=request.user).first()
    if comment is None:
        raise Http404("No comment found")
    sections = comment.consultation.sections.all()
    if request.method == "POST":
        form = CommentForm(request.POST, sections=sections)
        if form.is_valid():
            try:
                services.comment_edit(actor=request.user, comment_id=comment.pk, body=form.cleaned_data["body"],
                                      quote=form.cleaned_data["quote"], stance=form.cleaned_data["stance"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your comment is changed."))
                return redirect("consultations:mine")
    else:
        form = CommentForm(sections=sections, initial={"section": comment.section_id, "quote": comment.quote,
                                                       "stance": comment.stance, "body": comment.body})
        form.fields["section"].disabled = True
    return render(request, "consultations/comment_edit.html", {"comment": comment, "form": form})


@login_required
@require_GET
def my_comments(request):
    return render(request, "consultations/mine.html", {"comments": paginate(request, selectors.comments_of(
        request.user))})


# --- the department -------------------------------------------------------------------------


@login_required
def consultation_new(request):
    departments = Department.objects.filter(pk__in=user_department_ids(request.user))
    if not departments.exists():
        raise Http404("No page found")
    form = ConsultationForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(
                actor=request.user, department=data["department"], title=data["title"], summary=data["summary"],
                topic=data["topic"], text=data["text"], who_may_comment=data["who_may_comment"],
                comments_public=data["comments_public"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("consultations:manage", consultation.pk)
    return render(request, "consultations/new.html", {"form": form})


@login_required
@require_GET
def consultation_manage(request, consultation_id: int):
    consultation = get_consultation_for_department(request.user, consultation_id)
    text = "\n\n".join(section.text for section in consultation.sections.all())
    return render(request, "consultations/manage.html", {
        "consultation": consultation, "phase": consultation.phase,
        "sections": selectors.sections_with_counts(consultation),
        "groups": paginate(request, selectors.comment_groups(consultation)),
        "feedback": {(item.section_id, item.group_id): item for item in consultation.feedback.all()},
        "text_form": TextForm(initial={"text": text}), "publish_form": PublishForm(),
        "document_form": DocumentForm(), "report_form": ReportForm(), "feedback_form": FeedbackForm(auto_id=False),
        "may_publish": can_publish(request.user, consultation),
    })


def _department_action(request, consultation_id, action):
    consultation = get_consultation_for_department(request.user, consultation_id)
    try:
        message = action(consultation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if message:
            messages.success(request, message)
    return redirect("consultations:manage", consultation.pk)


@login_required
@require_POST
def consultation_text(request, consultation_id: int):
    def action(consultation):
        form = TextForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Paste the text of the draft."))
        if consultation.phase == Phase.DRAFT:
            services.sections_replace(actor=request.user, consultation_id=consultation.pk,
                                      text=form.cleaned_data["text"])
            return _("The draft is saved.")
        version = services.consultation_correct(actor=request.user, consultation_id=consultation.pk,
                                                text=form.cleaned_data["text"], reason=form.cleaned_data["reason"])
        return _("Version %(number)d of the draft is published.") % {"number": version.number}
    return _department_action(request, consultation_id, action)


@login_required
@require_POST
def consultation_publish(request, consultation_id: int):
    def action(consultation):
        form = PublishForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Give the dates as YYYY-MM-DD HH:MM."))
        services.consultation_publish(actor=request.user, consultation_id=consultation.pk, **form.cleaned_data)
        return _("The consultation is published.")
    return _department_action(request, consultation_id, action)


@login_required
@require_POST
def document_add(request, consultation_id: int):
    def action(consultation):
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise DomainError(_("Give the document a title and choose a PDF file."))
        services.document_add(actor=request.user, consultation_id=consultation.pk,
                              title=form.cleaned_data["title"], upload=form.cleaned_data["file"])
        return _("The document is added.")
    return _department_action(request, consultation_id, action)


@login_required
@require_POST
def feedback_set(request, consultation_id: int):
    def action(consultation):
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose a decision and give its reason."))
        kind, _sep, pk = form.cleaned_data["target"].partition(":")
        services.feedback_set(actor=request.user, consultation_id=consultation.pk,
                              decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
                              section_id=row_id(pk) if kind == "section" else None,
                              group_id=row_id(pk) if kind == "group" else None)
        return _("The decision is saved.")
    return _department_action(request, consultation_id, action)


@login_required
@require_POST
def report_publish(request, consultation_id: int):
    def action(consultation):
        form = ReportForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Write the overall summary of the feedback."))
        services.report_publish(actor=request.user, consultation_id=consultation.pk,
                                summary=form.cleaned_data["summary"])
        return _("The feedback report is published and everyone who commented is told.")
    return _department_action(request, consultation_id, action)


# --- moderators -----------------------------------------------------------------------------


@login_required
def comments_moderate(request, consultation_id: int):
    consultation = get_consultation_for_moderation(request.user, consultation_id)
    if request.method == "POST":
        comment_id = row_id(request.POST.get("comment"))
        form = ModerateForm(request.POST, prefix=f"c{comment_id}")
        comment = Comment.objects.filter(pk=comment_id, consultation=consultation).first()
        if comment is None or not form.is_valid():
            messages.error(request, _("Choose a decision, and a reason for not publishing."))
        else:
            try:
                services.comment_moderate(actor=request.user, comment_id=comment.pk,
                                          publish=form.cleaned_data["decision"] == "publish",
                                          public_body=form.cleaned_data["public_body"],
                                          reason=form.cleaned_data["reason"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The decision is recorded."))
        return redirect("consultations:moderate", consultation.pk)
    page = paginate(request, selectors.comments_to_moderate(consultation))
    return render(request, "consultations/moderate.html", {
        "consultation": consultation, "comments": page,
        "forms": [(comment, ModerateForm(prefix=f"c{comment.pk}")) for comment in page],
    })


@login_required
@require_http_methods(["GET", "POST"])
def invalidate(request):
    """Supervisors invalidate a comment flood in bulk: the first post shows
    how many comments match, the second (with a reason) invalidates them."""
    if not has_role(request.user, Role.SUPERVISOR):
        raise Http404("No page found")
    form = InvalidationForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        if "confirm" in request.POST:
            try:
                done = services.comments_invalidate(actor=request.user, criteria=criteria,
                                                    reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error("reason" if not form.cleaned_data["reason"] else None, error.message)
            else:
                messages.success(request, _("%(count)s comments were invalidated.") % {"count": done.invalidated})
                return redirect("consultations:invalidate")
        preview = selectors.invalidation_preview(criteria)
    return render(request, "consultations/invalidate.html", {
        "form": form, "preview": preview, "recent": selectors.recent_invalidations()})
