"""Every page of the site a person can land on, and who sees it: the one
list the phone-width, accessibility and keyboard tests walk. Add a new page
here, with the roles that reach it, and every browser check covers it.

Paths are built from the access matrix's world (tests/security/access_world.py)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

# The roles the browser checks visit the site as (access_world's names).
ROLES = ("anonymous", "owner", "official_a", "dispatcher", "supervisor", "moderator", "operator")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
STAFF_2FA = frozenset({"official_a", "dispatcher", "supervisor", "moderator", "operator"})


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable  # (world) -> str
    roles: frozenset


def _url(name, **kwargs):
    return lambda w: reverse(name, kwargs={key: value(w) for key, value in kwargs.items()})


PAGES = [
    # Public pages.
    Page("home", _url("home"), EVERYONE),
    Page("track a case", _url("petitions:case_lookup"), EVERYONE),
    Page("public cases", _url("publication:case_list"), EVERYONE),
    Page("public case", _url("publication:case_detail", tracking_number=lambda w: w.case_public.tracking_number),
         EVERYONE),
    Page("departments", _url("publication:department_list"), EVERYONE),
    Page("department", _url("publication:department_detail", code=lambda w: w.department_a.code), EVERYONE),
    Page("ledger", _url("publication:ledger"), EVERYONE),
    Page("petitions", _url("signatures:list"), EVERYONE),
    Page("petition", _url("signatures:detail", tracking_number=lambda w: w.petition_case.tracking_number), EVERYONE),
    Page("log in", _url("accounts:login"), frozenset({"anonymous"})),
    Page("register", _url("accounts:register"), frozenset({"anonymous"})),
    Page("password reset", _url("accounts:password_reset"), frozenset({"anonymous"})),
    # Everyone signed in.
    Page("submit a case", _url("petitions:case_submit"), SIGNED_IN),
    Page("my cases", _url("petitions:my_cases"), SIGNED_IN),
    Page("cases I follow", _url("publication:following"), SIGNED_IN),
    Page("notifications", _url("notifications:list"), SIGNED_IN),
    Page("notification settings", _url("accounts:notification_settings"), SIGNED_IN),
    Page("change password", _url("accounts:password_change"), SIGNED_IN),
    Page("API tokens", _url("api_pages:tokens"), SIGNED_IN),
    Page("two-factor setup", _url("twofactor:setup"), STAFF_2FA),
    # The citizen's own cases: one being worked, one answered (the rating form).
    Page("case being worked", _url("petitions:case_detail", case_id=lambda w: w.case.pk),
         frozenset({"owner", "official_a", "dispatcher", "supervisor"})),
    Page("answered case", _url("petitions:case_detail", case_id=lambda w: w.case_public.pk),
         frozenset({"owner", "official_a", "supervisor"})),
    # Staff pages.
    Page("case to sign for", _url("petitions:case_detail", case_id=lambda w: w.case_dispatched.pk),
         frozenset({"official_a"})),
    Page("inbox", _url("responses:inbox"), frozenset({"official_a"})),
    Page("routing centre", _url("responses:routing_centre"), frozenset({"dispatcher"})),
    Page("case to dispatch", _url("petitions:case_detail", case_id=lambda w: w.case_submitted.pk),
         frozenset({"dispatcher"})),
    Page("record a case", _url("petitions:case_record"), frozenset({"operator"})),
    Page("supervision dashboard", _url("supervision:dashboard"), frozenset({"supervisor"})),
    Page("supervision cases", _url("supervision:overview"), frozenset({"supervisor"})),
    Page("deadlines", _url("supervision:deadlines"), frozenset({"supervisor"})),
    Page("drill-down", lambda w: reverse("supervision:drill_down")
         + f"?metric=signed_in_time&group=department&key={w.department_a.pk}", frozenset({"supervisor"})),
    Page("export", _url("supervision:export_status", job_id=lambda w: w.export_job.pk), frozenset({"supervisor"})),
    Page("surge alert", _url("signatures:surge_alert", alert_id=lambda w: w.surge_alert.pk),
         frozenset({"supervisor"})),
    Page("invalidate signatures", _url("signatures:invalidate"), frozenset({"supervisor"})),
    Page("moderation queue", _url("publication:moderation_queue"), frozenset({"moderator"})),
    Page("moderate a case", _url("publication:moderate_case", case_id=lambda w: w.case_awaiting.pk),
         frozenset({"moderator"})),
    # The footer's pages, and the further mechanisms' pages.
    Page("contact", _url("pages:contact"), EVERYONE),
    Page("privacy notice", _url("pages:privacy"), EVERYONE),
    Page("accessibility statement", _url("pages:accessibility"), EVERYONE),
    Page("terms", _url("pages:terms"), EVERYONE),
    Page("public map", _url("places:public_map"), EVERYONE),
    Page("interviews", _url("interviews:list"), EVERYONE),
    Page("interview", _url("interviews:detail", interview_id=lambda w: w.interview.pk), EVERYONE),
    Page("announced interview", _url("interviews:detail", interview_id=lambda w: w.interview_scheduled.pk),
         frozenset({"anonymous", "owner"})),
    Page("confirm an interview question", _url("interviews:confirm", token=lambda w: w.question_token),
         frozenset({"anonymous"})),
    Page("host an interview", _url("interviews:manage", interview_id=lambda w: w.interview.pk),
         frozenset({"official_a", "moderator"})),
    Page("consultations", _url("consultations:list"), EVERYONE),
    Page("consultation", _url("consultations:detail", consultation_id=lambda w: w.consultation.pk), EVERYONE),
    Page("my comments", _url("consultations:mine"), SIGNED_IN),
    Page("hearing", _url("consultations:hearing", consultation_id=lambda w: w.consultation.pk,
                         hearing_id=lambda w: w.hearing.pk), EVERYONE),
    Page("hearing with minutes", _url("consultations:hearing", consultation_id=lambda w: w.consultation.pk,
                                      hearing_id=lambda w: w.hearing_past.pk), EVERYONE),
    Page("hearings of a consultation", _url("consultations:hearings", consultation_id=lambda w: w.consultation.pk),
         frozenset({"official_a"})),
    Page("select a hearing's participants", _url(
        "consultations:hearing_applications", consultation_id=lambda w: w.consultation.pk,
        hearing_id=lambda w: w.hearing_closed.pk), frozenset({"official_a"})),
    Page("export the comments", _url("consultations:export", consultation_id=lambda w: w.consultation.pk),
         frozenset({"official_a", "supervisor"})),
    Page("comment export", _url("consultations:export_status", consultation_id=lambda w: w.consultation.pk,
                                export_id=lambda w: w.comment_export.pk), frozenset({"official_a", "supervisor"})),
    Page("a section's comments", _url("consultations:section", consultation_id=lambda w: w.consultation.pk,
                                      number=lambda w: 1), EVERYONE),
    Page("invalidate comments", _url("consultations:invalidate"), frozenset({"supervisor"})),
    Page("report an official", _url("oversight:report"), EVERYONE),
    Page("my reports", _url("oversight:mine"), SIGNED_IN),
    Page("reports to verify", _url("oversight:queue"), frozenset({"supervisor"})),
    Page("report to verify", _url("oversight:detail", report_id=lambda w: w.report.pk), frozenset({"supervisor"})),
    Page("report with a finding", _url("oversight:detail", report_id=lambda w: w.report_concluded.pk),
         frozenset({"supervisor"})),
    Page("reports of one department", lambda w: reverse("oversight:queue") + f"?department={w.department_a.pk}",
         frozenset({"supervisor"})),
    Page("follow an anonymous report", _url("oversight:follow"), EVERYONE),
    Page("my report with its finding", _url("oversight:mine_detail", report_id=lambda w: w.report_concluded.pk),
         frozenset({"owner"})),
    Page("explanations asked of my department", _url("oversight:explanations"), SIGNED_IN),
    Page("explanation asked", _url("oversight:explanation", request_id=lambda w: w.explanation.pk),
         frozenset({"official_a", "supervisor"})),
    Page("sign in with a mobile number", _url("accounts:phone_sign_in"), frozenset({"anonymous"})),
    Page("mobile number and texts", _url("accounts:phone_settings"), SIGNED_IN),
]


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


def open_as(browser, live_server, world, role: str, *, locale: str = "en-US", width: int = 1280):
    """A browser context signed in as the role (a session made on the server,
    no login form), in the language asked for."""
    return signed_in_context(browser, live_server, world.user(role), locale=locale, width=width)


def signed_in_context(browser, live_server, user, *, locale: str = "en-US", width: int = 1280):
    """A browser context signed in as the user (None: anonymous)."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale},
                                  viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}])
    return context
