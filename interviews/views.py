"""Pages of live interviews: the public list and page (with the live
fragment viewers poll), asking and supporting, and the hosts' page for
screening, posting, starting and closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.limits import address_over_limit, client_over_limit, too_many_attempts
from interviews import live, selectors, services
from interviews.forms import (
    AnswerForm,
    InterviewForm,
    QuestionByEmailForm,
    QuestionForm,
    ScreenForm,
    active_rejection_reasons,
)
from interviews.models import Interview, InterviewState, Question
from interviews.permissions import (
    can_ask,
    can_host,
    can_schedule,
    can_screen,
    get_interview_for_hosting,
    get_interview_for_screening,
)
from portal.errors import DomainError
from portal.pagination import paginate


def interview_list(request):
    listed = selectors.interviews_listed()
    return render(request, "interviews/list.html", {
        "live_now": listed["live"], "upcoming": listed["upcoming"], "past": paginate(request, listed["past"]),
        "may_schedule": can_schedule(request.user),
    })


# --- the live fragment --------------------------------------------------------


def _render_live_body(interview_id: int):
    """The cached part of the fragment, or None for no such interview."""
    interview = Interview.objects.select_related("department").filter(pk=interview_id).first()
    if interview is None:
        return None
    body = render_to_string("interviews/live_body.html", {
        "interview": interview, "stream": selectors.live_stream(interview),
    })
    return {"polling": interview.state != InterviewState.CLOSED, "body": body}


def live_fragment(interview_id: int) -> str | None:
    """The fragment's HTML: its cached rendering, with this moment's viewer
    count. From the cache it reads nothing from the database."""
    generation, viewers = live.count_poll_and_read(interview_id)
    if generation is None:
        if not Interview.objects.filter(pk=interview_id).exists():
            return None
        generation = live.new_generation(interview_id)
    cached = live.rendered(interview_id, get_language(), generation,
                           lambda: _render_live_body(interview_id))
    if cached is None:
        return None
    count = format_html('<p class="viewers">{}</p>', ngettext(
        "About %(count)s person watching", "About %(count)s people watching", viewers) % {"count": viewers})
    if cached["polling"]:
        opening = format_html(
            '<div id="interview-live" class="interview-live" hx-get="{}" hx-trigger="every {}s" '
            'hx-swap="outerHTML">', reverse("interviews:live", args=[interview_id]), live.poll_seconds())
    else:
        opening = mark_safe('<div id="interview-live" class="interview-live">')
    return opening + count + mark_safe(cached["body"]) + mark_safe("</div>")


@require_GET
def interview_live(request, interview_id: int):
    html = live_fragment(interview_id)
    if html is None:
        raise Http404("No interview found")
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response


# --- the public page ---------------------------------------------------------


def interview_detail(request, interview_id: int):
    return _detail(request, selectors.interview_public(interview_id))


def _detail(request, interview, *, email_form=None, status: int = 200):
    questions = selectors.published_questions(interview)
    context = {
        "interview": interview,
        "questions": questions,
        "supported": selectors.supported_by(request.user, questions),
        "mine": selectors.my_questions(request.user, interview),
        "may_ask": can_ask(request.user),
        "may_screen": can_screen(request.user, interview),
        "question_form": QuestionForm(),
        "email_form": email_form or QuestionByEmailForm(),
        "is_open": interview.state != InterviewState.CLOSED,
    }
    if interview.state == InterviewState.CLOSED:
        context["transcript"] = selectors.transcript(interview)
    else:
        context["live"] = live_fragment(interview.pk)
    return render(request, "interviews/detail.html", context, status=status)


@login_required
@require_POST
def interview_ask(request, interview_id: int):
    interview = selectors.interview_public(interview_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_submit(actor=request.user, interview_id=interview.pk, body=form.cleaned_data["body"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your question will be published once a moderator has read it."))
    else:
        messages.error(request, _("Write your question (at most 2,000 characters)."))
    return redirect("interviews:detail", interview.pk)


@require_POST
def interview_ask_by_email(request, interview_id: int):
    """Asking without an account. Each attempt e-mails an address, so it is
    limited per client and per address across every form that e-mails one
    (accounts.limits, counted in the shared cache); the answer is the same
    whether or not the address has asked or has an account."""
    interview = selectors.interview_public(interview_id)
    form = QuestionByEmailForm(request.POST)
    limited = client_over_limit(request, action="interview_question")
    if limited is None and form.is_valid():
        limited = address_over_limit(request, email=form.cleaned_data["email"])
    if limited is not None:
        return too_many_attempts(request, limited)
    if form.is_valid():
        try:
            services.question_submit_by_email(
                interview_id=interview.pk, email=form.cleaned_data["email"], name=form.cleaned_data["name"],
                body=form.cleaned_data["body"], language=request.LANGUAGE_CODE)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _(
                "Thank you. A link is on its way to %(email)s: open it to send your question to the moderators."
            ) % {"email": form.cleaned_data["email"]})
            return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, email_form=form, status=400)


@require_http_methods(["GET", "POST"])
def question_confirm(request, token: str):
    """The link in the e-mail opens a page with one button: mail scanners
    that follow links must not confirm a question for its asker."""
    if request.method == "GET":
        return render(request, "interviews/confirm.html", {"token": token})
    try:
        question, confirmed = services.question_confirm(token=token)
    except DomainError as error:
        return render(request, "interviews/confirm.html", {"error": error.message}, status=400)
    return render(request, "interviews/confirm.html", {"done": True, "confirmed": confirmed,
                                                       "interview": question.interview})


@login_required
@require_POST
def question_support(request, interview_id: int, question_id: int):
    interview = selectors.interview_public(interview_id)
    if not Question.objects.filter(pk=question_id, interview=interview).exists():
        raise Http404("No question found")
    try:
        if services.question_support(actor=request.user, question_id=question_id):
            messages.success(request, _("You support this question."))
        else:
            messages.info(request, _("You already support this question."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(reverse("interviews:detail", args=[interview.pk]) + "#questions")


# --- the hosts' pages ---------------------------------------------------------------


@login_required
def interview_new(request):
    if not can_schedule(request.user):
        raise PermissionDenied
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_schedule(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The interview is announced."))
            return redirect("interviews:detail", interview.pk)
    return render(request, "interviews/new.html", {"form": form})


@login_required
def interview_manage(request, interview_id: int):
    interview = get_interview_for_screening(request.user, interview_id)
    screening = selectors.questions_to_screen(interview)
    reasons = active_rejection_reasons()
    forms = [(question, ScreenForm(prefix=f"q{question.pk}", merge_targets=screening["published"],
                                   reasons=reasons))
             for question in screening["waiting"]]
    return render(request, "interviews/manage.html", {
        "interview": interview, "screening": forms, "published": screening["published"],
        "may_host": can_host(request.user, interview),
        "answer_form": AnswerForm(interview=interview),
    })


@login_required
@require_POST
def question_screen(request, interview_id: int, question_id: int):
    interview = get_interview_for_screening(request.user, interview_id)
    if not Question.objects.filter(pk=question_id, interview=interview).exists():
        raise Http404("No question found")
    form = ScreenForm(request.POST, prefix=f"q{question_id}", merge_targets=selectors.published_questions(interview),
                      reasons=active_rejection_reasons())
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("interviews:manage", interview.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "publish":
            services.question_publish(actor=request.user, question_id=question_id, body=data["body"] or None)
        elif data["decision"] == "merge":
            services.question_merge(actor=request.user, question_id=question_id, into_question_id=data["into"])
        else:
            services.question_reject(actor=request.user, question_id=question_id, reason=data["reason"],
                                     note=data["note"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("interviews:manage", interview.pk)


@login_required
@require_POST
def answer_post(request, interview_id: int):
    interview = get_interview_for_hosting(request.user, interview_id)
    form = AnswerForm(request.POST, interview=interview)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("interviews:manage", interview.pk)
    question = form.cleaned_data["question"]
    try:
        services.answer_post(actor=request.user, interview_id=interview.pk, body=form.cleaned_data["body"],
                             question_id=question.pk if question else None, speaker=form.cleaned_data["speaker"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Posted: every viewer sees it within seconds."))
    return redirect("interviews:manage", interview.pk)


@login_required
@require_POST
def interview_start(request, interview_id: int):
    interview = get_interview_for_hosting(request.user, interview_id)
    try:
        services.interview_start(actor=request.user, interview_id=interview.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The interview is live."))
    return redirect("interviews:manage", interview.pk)


@login_required
@require_POST
def interview_close(request, interview_id: int):
    interview = get_interview_for_hosting(request.user, interview_id)
    try:
        cases = services.interview_close(actor=request.user, interview_id=interview.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("interviews:manage", interview.pk)
    messages.success(request, ngettext(
        "The interview is closed; %(count)s unanswered question became a case for the department.",
        "The interview is closed; %(count)s unanswered questions became cases for the department.",
        len(cases)) % {"count": len(cases)})
    return redirect("interviews:detail", interview.pk)
