"""Who may reach what, for every URL of the project.

One row per URL pattern (keyed by its namespaced name, or by its route when
it has none). A row says what the URL's parameters refer to and which roles
may reach *that* object: the owner's private case worked by department A,
the owner's notification or API token, the supervisor's export, and so on.
Every other role must be refused. A URL that has no row fails the access
matrix (tests/security/test_access_matrix.py): classify it here.

Fields of a Rule:
- kind: what the parameters name (shown in failure messages);
- allow: the roles that may reach the target; the first one is the positive
  control, proving the parameters name a real object;
- target: the URL's kwargs for the object the allowed roles may reach;
- missing: the kwargs of an object that does not exist: a refusal that is a
  404 must look exactly like the 404 for it;
- forbidden: further probes every role must be refused (a private case on a
  public page, another client's Open311 request...), each a dict of
  kwargs/query/data;
- query / data: what a GET sends in the query string, what a POST sends;
- positive: the method of the positive control; expect: its statuses;
- path: the address to request, for a pattern without a name;
- refusals: statuses beyond the standard ones that count as a refusal for
  this URL (e.g. a bulk action that redirects back with an error message).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.access_world import (
    ANONYMOUS_REPORT_BODY,
    ATTACHMENT_CONTENT,
    ATTACHMENT_NAME,
    CASE_ADDRESS,
    CASE_DETAILS,
    CASE_PHONE,
    EVIDENCE_CONTENT,
    EVIDENCE_NAME,
    REPORT_BODY,
    REPORT_OFFICIAL,
    ROLES,
    WHISTLE_BODY,
    WHISTLE_EVIDENCE_NAME,
    WHISTLE_OFFICIAL,
    WHISTLEBLOWER_EMAIL,
    WHISTLEBLOWER_NAME,
    WHISTLEBLOWER_PHONE,
)

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
CITIZENS = frozenset({"owner", "follower", "stranger"})
# Who may open the owner's web case led by department A (petitions.permissions):
# its title, progress and answers.
SEES_CASE = frozenset({"owner", "follower", "official_a", "head_a", "dispatcher", "supervisor",
                       "other_supervisor"})
# Who may read what the owner wrote and download their files: not the follower.
SEES_DETAILS = SEES_CASE - {"follower"}
# Who may read the contact details (the owner gave them).
SEES_CONTACT = SEES_CASE - {"follower"}
WORKS_CASE = frozenset({"official_a", "head_a"})
OFFICIALS = frozenset({"official_a", "head_a", "official_b"})
SUPERVISORS = frozenset({"supervisor", "other_supervisor"})
# Who runs department A's interviews (post, start, close), and who screens
# their questions (interviews.permissions).
HOSTS_A = frozenset({"official_a", "head_a", "interview_host"})
SCREENS_A = HOSTS_A | {"moderator"}

# Who drafts department A's consultations, reads their comments and writes
# the feedback (consultations.permissions); its head alone publishes.
DRAFTS_A = frozenset({"official_a", "head_a"})
# Who may export department A's consultation's comments: its officials, and supervisors.
EXPORTS_A = DRAFTS_A | SUPERVISORS

MISSING_ID = 987654321
MISSING_TRACKING = "991231-0000-0000-000"


def _none(w):
    return {}


def secrets(w) -> list[tuple[str, str, frozenset]]:
    """What of the owner's private case may show in an answer, and who may
    read it there: (what it is, its text, the roles). Every answer of the
    matrix, refusal or not, is searched for each."""
    return [
        ("the private case's title", w.case.title, SEES_CASE),
        ("the private case's details", CASE_DETAILS, SEES_DETAILS),
        ("the private case's place", CASE_ADDRESS, SEES_DETAILS),
        ("the name of its attachment", ATTACHMENT_NAME, SEES_DETAILS),
        ("the content of its attachment", ATTACHMENT_CONTENT.decode(), SEES_DETAILS),
        ("its contact's phone number", CASE_PHONE, SEES_CONTACT),
        ("the owner's report of misconduct", REPORT_BODY, SUPERVISORS | {"owner"}),
        ("the official the owner reported", REPORT_OFFICIAL, SUPERVISORS | {"owner"}),
        ("the name of the report's evidence", EVIDENCE_NAME, SUPERVISORS),
        ("the content of the report's evidence", EVIDENCE_CONTENT.decode(), SUPERVISORS),
        ("the anonymous report's account", ANONYMOUS_REPORT_BODY, SUPERVISORS),
        ("a reporter's name", WHISTLEBLOWER_NAME, SUPERVISORS),
        ("a reporter's e-mail address", WHISTLEBLOWER_EMAIL, SUPERVISORS),
        ("a reporter's mobile number", WHISTLEBLOWER_PHONE, SUPERVISORS),
        ("another report's account", WHISTLE_BODY, SUPERVISORS),
        ("the official another report names", WHISTLE_OFFICIAL, SUPERVISORS),
        ("the name of another report's evidence", WHISTLE_EVIDENCE_NAME, SUPERVISORS),
    ]


@dataclass(frozen=True)
class Rule:
    kind: str
    allow: frozenset
    target: Callable = _none
    missing: Callable | None = None
    forbidden: Callable | None = None
    query: Callable = _none
    data: Callable = _none
    positive: str = "GET"
    expect: tuple = (200, 302)
    refusals: tuple = ()
    positive_role: str = ""
    path: str = ""  # for a pattern without a name: the address to request
    notes: str = field(default="", compare=False)


def case_id(w):
    return {"case_id": w.case.pk}


def tracking(w):
    return {"tracking": w.case.tracking_number}


def note(w):
    return {"note": "越权备注", "version": w.case.version}


def _confirmation_token(user):
    from accounts.services import email_confirmation_token

    return email_confirmation_token(user)


def _reset_link(user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    return {"uidb64": urlsafe_base64_encode(str(user.pk).encode()), "token": default_token_generator.make_token(user)}


def interview_id(w):
    return {"interview_id": w.interview.pk}


def missing_interview(w):
    return {"interview_id": MISSING_ID}


def published_question(w):
    return {"interview_id": w.interview.pk, "question_id": w.question_published.pk}


def pending_question(w):
    return {"interview_id": w.interview.pk, "question_id": w.question_pending.pk}


def report_id(w):
    return {"report_id": w.report.pk}


def missing_report(w):
    return {"report_id": MISSING_ID}


def consultation_id(w):
    return {"consultation_id": w.consultation.pk}


def closed_consultation(w):
    return {"consultation_id": w.consultation_closed.pk}


def draft_consultation(w):
    return {"consultation_id": w.consultation_draft.pk}


def missing_consultation(w):
    return {"consultation_id": MISSING_ID}


def hearing_id(w, name="hearing"):
    return {"consultation_id": w.consultation.pk, "hearing_id": getattr(w, name).pk}


def missing_hearing(w):
    return {"consultation_id": w.consultation.pk, "hearing_id": MISSING_ID}


def export_id(w):
    return {"consultation_id": w.consultation.pk, "export_id": w.comment_export.pk}


def missing_export(w):
    return {"consultation_id": w.consultation.pk, "export_id": MISSING_ID}


def application_decision(w):
    return {"consultation_id": w.consultation.pk, "hearing_id": w.hearing_closed.pk,
            "application_id": w.hearing_application.pk}


def section_feedback(w):
    return {"target": f"section:{w.consultation_closed.sections.first().pk}", "decision": "adopted",
            "reason": "已采纳"}


def public(kind="public page", **kwargs):
    return Rule(kind=kind, allow=ALL, **kwargs)


def signed_in(kind="the caller's own things", **kwargs):
    return Rule(kind=kind, allow=SIGNED_IN, positive_role="owner", **kwargs)


def supervisors(kind="supervision (no object)", **kwargs):
    return Rule(kind=kind, allow=SUPERVISORS, **kwargs)


def open311_json(**kwargs):
    return {"fmt": "json", **kwargs}


RULES = {
    # --- site ---------------------------------------------------------------------------------
    "home": public(),
    "set_language": public("language switch", positive="POST", data=lambda w: {"language": "en", "next": "/"}),
    "health_web": public("health check"),
    "health_worker": public("health check", expect=(200, 503)),
    "health_beat": public("health check", expect=(200, 503)),
    "pages:contact": public("the site's notices"),
    "pages:privacy": public("the site's notices"),
    "pages:accessibility": public("the site's notices"),
    "pages:terms": public("the site's notices"),
    # --- accounts -----------------------------------------------------------------------------
    "accounts:register": public("registration"),
    "accounts:register_done": public("registration sent"),
    "accounts:confirm_email_resend": signed_in("the caller's own confirmation link"),
    # The owner's link: any other account is refused (400, the link is not
    # valid for it); anonymous visitors are sent to log in.
    "accounts:confirm_email": Rule("the owner's address confirmation link", frozenset({"owner"}),
                                   lambda w: {"token": _confirmation_token(w.owner)}, refusals=(400,)),
    "accounts:login": public("login"),
    "accounts:logout": public("logout", positive="POST"),
    "accounts:password_reset": public("password reset request"),
    "accounts:password_reset_done": public("password reset sent"),
    "accounts:password_reset_confirm": public("password reset link (the signed token is the capability)",
                                              target=lambda w: _reset_link(w.owner)),
    "accounts:password_reset_complete": public("password reset done"),
    "accounts:password_change": signed_in("the caller's own password"),
    "accounts:password_change_done": signed_in("the caller's own password"),
    "accounts:notification_settings": signed_in("the caller's e-mail preference"),
    "accounts:phone_sign_in": public("sign-in by mobile number (a code to any valid number)"),
    "accounts:phone_code": public("the texted code's step (the number is in the caller's session)"),
    "accounts:phone_settings": signed_in("the caller's mobile number and notice choice"),
    "accounts:password_set": signed_in("the caller's first password"),
    # --- two-factor authentication (twofactor/) ---------------------------------------------------
    "twofactor:setup": Rule("the caller's own authenticator (staff accounts)", SIGNED_IN - CITIZENS),
    # Without a device, the backup-codes page sends a staff account to set one up.
    "twofactor:backup_codes": Rule("the caller's own backup codes (staff accounts)", SIGNED_IN - CITIZENS),
    # Signed in without a device, the second step sends one to set it up.
    "twofactor:verify": Rule("the caller's own second login step", SIGNED_IN, positive_role="official_a",
                             expect=(302,)),
    # --- citizens' cases ----------------------------------------------------------------------
    "petitions:case_submit": signed_in("submission form"),
    "petitions:case_record": Rule("operators' recording form", frozenset({"operator"})),
    "petitions:case_detail": Rule("case (owner's, department A)", SEES_CASE, case_id,
                                  missing=lambda w: {"case_id": MISSING_ID}),
    # The follower opens the case but not its files: their 404 must look like a missing one's.
    "petitions:attachment": Rule(
        "attachment of a case (owner's, department A)", SEES_DETAILS,
        lambda w: {"case_id": w.case.pk, "attachment_id": w.attachment.pk},
        missing=lambda w: {"case_id": MISSING_ID, "attachment_id": w.attachment.pk},
        # The case's id with another case's attachment, and the reverse.
        forbidden=lambda w: [{"kwargs": {"case_id": w.case_b.pk, "attachment_id": w.attachment.pk}}],
    ),
    "petitions:my_cases": signed_in("the caller's cases"),
    "petitions:case_lookup": public(
        "look-up by tracking number and e-mail",
        # Someone else's e-mail address with the owner's tracking number finds nothing.
        data=lambda w: {"tracking_number": w.case.tracking_number, "email": "stranger@example.org"},
    ),
    "petitions:case_short_link": public(
        "short link to the look-up (the contact is still asked)",
        target=lambda w: {"number": w.case.tracking_number.replace("-", "")}, expect=(302,)),
    # --- officials and dispatchers ------------------------------------------------------------
    "responses:inbox": Rule("department inbox", OFFICIALS),
    "responses:inbox_sign_for": Rule(
        "bulk sign-for of department A's dispatched case", WORKS_CASE, positive="POST",
        data=lambda w: {"case": [w.case_dispatched.pk]},
        # Officials of another department are sent back to their inbox with the refusal.
        refusals=(302,),
    ),
    "responses:routing_centre": Rule("routing centre", frozenset({"dispatcher"})),
    "responses:case_action": Rule(
        "action on a case (owner's, department A)", WORKS_CASE,
        lambda w: {"case_id": w.case.pk, "name": "note"},
        missing=lambda w: {"case_id": MISSING_ID, "name": "note"}, data=note, positive="POST",
    ),
    # --- supervision ----------------------------------------------------------------------------
    "supervision:overview": supervisors(),
    "supervision:dashboard": supervisors(),
    "supervision:dashboard_export": supervisors(target=lambda w: {"fmt": "csv"}),
    "supervision:drill_down": supervisors(query=lambda w: {"metric": "dispatched"}),
    "supervision:deadlines": supervisors(),
    "supervision:export_start": supervisors(positive="POST", data=lambda w: {"format": "csv"}),
    # An export is its supervisor's alone, and only while they are one: the
    # export official_a made before losing the role is nobody's.
    "supervision:export_status": Rule("export job (the supervisor's)", frozenset({"supervisor"}),
                                      lambda w: {"job_id": w.export_job.pk},
                                      missing=lambda w: {"job_id": MISSING_ID},
                                      forbidden=lambda w: [{"kwargs": {"job_id": w.former_export_job.pk}}]),
    "supervision:export_download": Rule("export job (the supervisor's)", frozenset({"supervisor"}),
                                        lambda w: {"job_id": w.export_job.pk},
                                        missing=lambda w: {"job_id": MISSING_ID},
                                        forbidden=lambda w: [{"kwargs": {"job_id": w.former_export_job.pk}}]),
    # --- notifications ------------------------------------------------------------------------
    "notifications:list": signed_in("the caller's notifications"),
    "notifications:open": Rule("notification (the owner's)", frozenset({"owner"}),
                               lambda w: {"notification_id": w.notification.pk},
                               missing=lambda w: {"notification_id": MISSING_ID}, positive="POST"),
    "notifications:read_all": signed_in("the caller's notifications", positive="POST"),
    # The gateway's secret is the capability; unset (as here), the address is closed to all.
    "notifications:sms_inbound": public("SMS reply callback", positive="POST", expect=(404,)),
    # --- public side and moderation -------------------------------------------------------------
    "publication:case_list": public(query=lambda w: {"q": "Noise"}),
    "publication:cases_export": public("open data", target=lambda w: {"fmt": "csv"}),
    "publication:case_detail": Rule(
        "public case", ALL, lambda w: {"tracking_number": w.case_public.tracking_number},
        missing=lambda w: {"tracking_number": MISSING_TRACKING},
        forbidden=lambda w: [{"kwargs": {"tracking_number": w.case.tracking_number}},
                             {"kwargs": {"tracking_number": w.case_awaiting.tracking_number}}],
    ),
    # Following: any signed-in person may follow a public case; a private
    # case answers exactly as a missing one. The anonymous are sent to log in.
    "publication:follow_case": Rule(
        "following a public case", SIGNED_IN, lambda w: {"tracking_number": w.case_public.tracking_number},
        missing=lambda w: {"tracking_number": MISSING_TRACKING},
        forbidden=lambda w: [{"kwargs": {"tracking_number": w.case.tracking_number}},
                             {"kwargs": {"tracking_number": w.case_awaiting.tracking_number}}],
        positive="POST", positive_role="stranger",
    ),
    "publication:unfollow_case": Rule(
        "following a public case", SIGNED_IN, lambda w: {"tracking_number": w.case_public.tracking_number},
        missing=lambda w: {"tracking_number": MISSING_TRACKING},
        forbidden=lambda w: [{"kwargs": {"tracking_number": w.case.tracking_number}},
                             {"kwargs": {"tracking_number": w.case_awaiting.tracking_number}}],
        positive="POST", positive_role="stranger",
    ),
    "publication:following": signed_in("the caller's followed cases"),
    "publication:similar_cases": public(query=lambda w: {"title": "Noise building site", "body": "night"}),
    "publication:department_list": public(),
    "publication:rates_export": public("open data", target=lambda w: {"fmt": "csv"}),
    "publication:ledger": public("the supervision ledger's published heads"),
    "publication:ledger_export": public("open data", target=lambda w: {"fmt": "json"}),
    "publication:department_detail": public("public department", target=lambda w: {"code": w.department_a.code}),
    "publication:department_feed": public("public feed", target=lambda w: {"code": w.department_a.code}),
    "publication:category_feed": public("public feed", target=lambda w: {"code": w.category.code}),
    "places:public_map": public("public map", query=lambda w: {"near_latitude": "39.9138",
                                                                "near_longitude": "116.397"}),
    "publication:moderation_queue": Rule("moderation queue", frozenset({"moderator"})),
    "publication:moderate_case": Rule(
        "case awaiting moderation", frozenset({"moderator"}), lambda w: {"case_id": w.case_awaiting.pk},
        missing=lambda w: {"case_id": MISSING_ID},
        # A case whose author never agreed to publication is nobody's to moderate.
        forbidden=lambda w: [{"kwargs": {"case_id": w.case.pk}, "data": {"decision": "approve"}}],
        data=lambda w: {"decision": "reject", "reason": "", "note": ""},
    ),
    "publication:author_name": Rule(
        "the author's choice on their published case", frozenset({"owner"}),
        lambda w: {"case_id": w.case_public.pk}, missing=lambda w: {"case_id": MISSING_ID},
        data=lambda w: {"show_author_name": "on"}, positive="POST",
        # Staff who see the case are sent back to it with the refusal.
        refusals=(302,),
    ),
    # --- petitions (co-signing) -----------------------------------------------------------------
    "signatures:list": public(),
    "signatures:confirm": public("signature confirmation (the signed token is the capability)",
                                 target=lambda w: {"token": w.signature_token}),
    "signatures:detail": Rule(
        "public petition", ALL, lambda w: {"tracking_number": w.petition_case.tracking_number},
        missing=lambda w: {"tracking_number": MISSING_TRACKING},
        forbidden=lambda w: [{"kwargs": {"tracking_number": w.case.tracking_number},
                              "data": {"name": "Sneaky", "email": "sneaky@example.org"}}],
    ),
    "signatures:invalidate": supervisors(data=lambda w: {"petition": w.petition.pk, "reason": "fraud",
                                                         "confirm": "1"}),
    "signatures:surge_alert": supervisors("surge alert", target=lambda w: {"alert_id": w.surge_alert.pk}),
    "signatures:surge_alert_close": supervisors("surge alert", target=lambda w: {"alert_id": w.surge_alert.pk},
                                                positive="POST"),
    # --- live interviews (department A's; every signed-in account here has a confirmed address) ------
    "interviews:list": public(),
    "interviews:new": Rule("scheduling an interview", frozenset({"interview_host"})),
    "interviews:detail": public("public interview", target=interview_id, missing=missing_interview),
    "interviews:live": public("the live fragment", target=interview_id, missing=missing_interview),
    "interviews:ask": signed_in("asking in a public interview", target=interview_id, missing=missing_interview,
                                positive="POST", data=lambda w: {"body": "我的问题"}),
    "interviews:ask_by_email": public("asking with an e-mail address to confirm", target=interview_id,
                                      missing=missing_interview, positive="POST", expect=(200, 302, 400),
                                      data=lambda w: {"email": "visitor@example.org", "body": "我的问题"}),
    "interviews:confirm": public("question confirmation (the signed token is the capability)",
                                 target=lambda w: {"token": w.question_token}),
    "interviews:support": signed_in("supporting a published question", target=published_question,
                                    missing=lambda w: {"interview_id": MISSING_ID,
                                                       "question_id": w.question_published.pk},
                                    positive="POST"),
    "interviews:manage": Rule("hosting an interview", SCREENS_A, interview_id, missing=missing_interview),
    "interviews:screen": Rule(
        "screening a waiting question", SCREENS_A, pending_question, positive="POST", positive_role="moderator",
        missing=lambda w: {"interview_id": MISSING_ID, "question_id": w.question_pending.pk},
        data=lambda w: {f"q{w.question_pending.pk}-decision": "publish"}),
    "interviews:answer": Rule("posting in a live interview", HOSTS_A, interview_id, missing=missing_interview,
                              positive="POST", data=lambda w: {"body": "越权的答复"}),
    "interviews:start": Rule("starting an announced interview", HOSTS_A,
                             lambda w: {"interview_id": w.interview_scheduled.pk}, missing=missing_interview,
                             positive="POST"),
    "interviews:close": Rule("closing a live interview", HOSTS_A, interview_id, missing=missing_interview,
                             positive="POST"),
    "api:interviews:list": public("interviews (API)"),
    "api:interviews:detail": public("interview (API)", target=interview_id, missing=missing_interview),
    "api:interviews:questions": public("published questions (API)", target=interview_id,
                                       missing=missing_interview),
    "api:interviews:ask-by-email": public("asking with an e-mail address to confirm (API)", target=interview_id,
                                          missing=missing_interview, positive="POST", expect=(202, 400),
                                          data=lambda w: {"email": "api-visitor@example.org", "body": "我的问题"}),
    "api:interviews:questions-pending": Rule("waiting questions (API)", SCREENS_A, interview_id,
                                             missing=missing_interview),
    "api:interviews:support": signed_in(
        "supporting a published question (API)", target=published_question, positive="POST",
        missing=lambda w: {"interview_id": MISSING_ID, "question_id": w.question_published.pk}),
    "api:interviews:screen": Rule(
        "screening a waiting question (API)", SCREENS_A, pending_question, positive="POST",
        positive_role="moderator", data=lambda w: {"decision": "publish"},
        missing=lambda w: {"interview_id": MISSING_ID, "question_id": w.question_pending.pk}),
    "api:interviews:answers": Rule("posting in a live interview (API)", HOSTS_A, interview_id,
                                   missing=missing_interview, positive="POST", expect=(201,),
                                   data=lambda w: {"body": "答复"}),
    "api:interviews:start": Rule("starting an announced interview (API)", HOSTS_A,
                                 lambda w: {"interview_id": w.interview_scheduled.pk},
                                 missing=missing_interview, positive="POST"),
    "api:interviews:close": Rule("closing a live interview (API)", HOSTS_A, interview_id,
                                 missing=missing_interview, positive="POST"),
    # --- reports of misconduct (the owner's, against department A) --------------------------------
    "oversight:report": public("reporting form"),
    "oversight:follow": public("following an anonymous report (number and secret are the capability)",
                               positive="POST", expect=(200,), data=lambda w: {
                                   "tracking_number": w.report_anonymous.tracking_number,
                                   "secret": w.report_secret}),
    "oversight:mine": signed_in("the caller's reports"),
    "oversight:mine_detail": Rule("report (the owner's)", frozenset({"owner"}), report_id, missing=missing_report,
                                  data=lambda w: {"rating": "1"}),
    "oversight:queue": supervisors("reports of misconduct"),
    "oversight:detail": Rule("report (supervisors only)", SUPERVISORS, report_id, missing=missing_report),
    "oversight:evidence": Rule("evidence of a report (supervisors only)", SUPERVISORS,
                               lambda w: {"report_id": w.report.pk, "evidence_id": w.evidence.pk},
                               missing=lambda w: {"report_id": MISSING_ID, "evidence_id": w.evidence.pk}),
    "oversight:action": Rule("handling a report (supervisors only)", SUPERVISORS,
                             lambda w: {"report_id": w.report_anonymous.pk, "action": "accept"},
                             missing=lambda w: {"report_id": MISSING_ID, "action": "accept"},
                             positive="POST", expect=(302,)),
    "oversight:explanations": signed_in("explanations asked of the caller's departments"),
    "oversight:explanation": Rule("explanation asked of department A", WORKS_CASE | SUPERVISORS,
                                  lambda w: {"request_id": w.explanation.pk},
                                  missing=lambda w: {"request_id": MISSING_ID}, data=lambda w: {"answer": "越权"}),
    "api:oversight:submit": public("reporting (API)", positive="POST", expect=(201,), data=lambda w: {
        "department": w.department_a.pk, "category": "delay", "body": "拖延办理，三周无人答复。"}),
    "api:oversight:reports": supervisors("reports of misconduct (API)"),
    "api:oversight:report": Rule("report (API, supervisors only)", SUPERVISORS, report_id, missing=missing_report),
    "api:oversight:evidence": Rule("evidence of a report (API, supervisors only)", SUPERVISORS,
                                   lambda w: {"report_id": w.report.pk, "evidence_id": w.evidence.pk},
                                   missing=lambda w: {"report_id": MISSING_ID, "evidence_id": w.evidence.pk},
                                   forbidden=lambda w: [{"kwargs": {"report_id": w.report_concluded.pk,
                                                                    "evidence_id": w.evidence.pk}}]),
    "api:oversight:action": Rule("handling a report (API, supervisors only)", SUPERVISORS,
                                 lambda w: {"report_id": w.report_anonymous.pk, "action": "accept"},
                                 missing=lambda w: {"report_id": MISSING_ID, "action": "accept"},
                                 positive="POST", expect=(200,)),
    "api:oversight:mine": signed_in("the caller's reports (API)"),
    "api:oversight:rate": Rule("rating the owner's concluded report (API)", frozenset({"owner"}),
                               lambda w: {"report_id": w.report_concluded.pk},
                               missing=lambda w: {"report_id": MISSING_ID}, positive="POST",
                               data=lambda w: {"rating": 4}),
    "api:oversight:follow": public("following an anonymous report (API)", positive="POST", expect=(200,),
                                   data=lambda w: {"tracking_number": w.report_anonymous.tracking_number,
                                                   "secret": w.report_secret}),
    "api:oversight:explanations": signed_in("explanations asked of the caller's departments (API)"),
    "api:oversight:answer": Rule("answering the explanation asked of department A (API)", WORKS_CASE,
                                 lambda w: {"request_id": w.explanation.pk},
                                 missing=lambda w: {"request_id": MISSING_ID}, positive="POST",
                                 data=lambda w: {"answer": "已整改。"}),
    # --- consultations (department A's) --------------------------------------------------------
    "consultations:list": public(),
    "consultations:feed": public("consultations feed"),
    "consultations:mine": signed_in("the caller's comments"),
    "consultations:new": Rule("drafting a consultation", OFFICIALS),
    "consultations:detail": public("published consultation", target=consultation_id, missing=missing_consultation),
    "consultations:section": public(
        "a section's published comments", target=lambda w: {"consultation_id": w.consultation.pk, "number": 1},
        missing=lambda w: {"consultation_id": MISSING_ID, "number": 1}),
    "consultations:invalidate": supervisors(data=lambda w: {"consultation": w.consultation.pk,
                                                            "ip_address": "203.0.113.99", "reason": "flood",
                                                            "confirm": "1"}),
    "consultations:document": public(
        "supporting document", target=lambda w: {"consultation_id": w.consultation.pk,
                                                 "document_id": w.consultation_document.pk},
        missing=lambda w: {"consultation_id": MISSING_ID, "document_id": w.consultation_document.pk}),
    "consultations:comment": signed_in("commenting on an open consultation", target=consultation_id,
                                       missing=missing_consultation, positive="POST",
                                       data=lambda w: {"body": "我的意见"}),
    "consultations:comment_edit": Rule("the owner's comment", frozenset({"owner"}),
                                       lambda w: {"comment_id": w.consultation_comment.pk},
                                       missing=lambda w: {"comment_id": MISSING_ID}),
    "consultations:manage": Rule("managing a consultation", DRAFTS_A, draft_consultation,
                                 missing=missing_consultation),
    "consultations:text": Rule("the draft's text", DRAFTS_A, draft_consultation, missing=missing_consultation,
                               positive="POST", data=lambda w: {"text": "第一条 改"}),
    # An official of the department is turned back with a message: only its head publishes.
    "consultations:publish": Rule("publishing a draft", frozenset({"head_a"}), draft_consultation,
                                  missing=missing_consultation, positive="POST", refusals=(302,)),
    "consultations:document_add": Rule("adding a document", DRAFTS_A, draft_consultation,
                                       missing=missing_consultation, positive="POST"),
    "consultations:feedback": Rule("feedback on a closed consultation", DRAFTS_A, closed_consultation,
                                   missing=missing_consultation, positive="POST", data=section_feedback),
    "consultations:report": Rule("publishing the feedback report", frozenset({"head_a"}), closed_consultation,
                                 missing=missing_consultation, positive="POST", refusals=(302,),
                                 data=lambda w: {"summary": "总结"}),
    "consultations:export": Rule("exporting the comments", EXPORTS_A, consultation_id, missing=missing_consultation),
    "consultations:export_status": Rule("an export's progress", EXPORTS_A, export_id, missing=missing_export),
    "consultations:export_download": Rule("an export's file", EXPORTS_A, export_id, missing=missing_export),
    "consultations:hearings": Rule("managing hearings", DRAFTS_A, consultation_id, missing=missing_consultation),
    "consultations:hearing": public("a hearing", target=hearing_id, missing=missing_hearing),
    "consultations:hearing_apply": signed_in("applying for a hearing", target=hearing_id, missing=missing_hearing,
                                             positive="POST", data=lambda w: {"statement": "我想发言"}),
    "consultations:hearing_minutes_file": public("a hearing's minutes (PDF)",
                                                 target=lambda w: hearing_id(w, "hearing_past"),
                                                 missing=missing_hearing),
    "consultations:hearing_applications": Rule("selecting a hearing's participants", DRAFTS_A,
                                               lambda w: hearing_id(w, "hearing_closed"), missing=missing_hearing),
    "consultations:hearing_minutes": Rule("publishing a hearing's minutes", DRAFTS_A,
                                          lambda w: hearing_id(w, "hearing_past"), missing=missing_hearing,
                                          positive="POST", data=lambda w: {"minutes": "更正后的笔录"}),
    "consultations:moderate": Rule("moderating comments", frozenset({"moderator"}), consultation_id,
                                   missing=missing_consultation),
    "api:consultations:list": public("consultations (API)"),
    "api:consultations:detail": public("consultation (API)", target=consultation_id, missing=missing_consultation),
    "api:consultations:comments": public("published comments (API)", target=consultation_id,
                                         missing=missing_consultation),
    "api:consultations:groups": Rule("comment groups (API)", DRAFTS_A, consultation_id,
                                     missing=missing_consultation),
    "api:consultations:feedback": Rule("feedback (API)", DRAFTS_A, closed_consultation,
                                       missing=missing_consultation, positive="POST", expect=(200,),
                                       data=lambda w: {"section": w.consultation_closed.sections.first().pk,
                                                       "decision": "adopted", "reason": "已采纳"}),
    "api:consultations:hearings": public("hearings (API)", target=consultation_id, missing=missing_consultation),
    "api:consultations:hearing_apply": signed_in("applying for a hearing (API)", target=hearing_id,
                                                 missing=missing_hearing, positive="POST", expect=(201,),
                                                 data=lambda w: {"statement": "我想发言"}),
    "api:consultations:hearing_applications": Rule("a hearing's applications (API)", DRAFTS_A,
                                                   lambda w: hearing_id(w, "hearing_closed"),
                                                   missing=missing_hearing),
    "api:consultations:hearing_decide": Rule(
        "deciding on an application (API)", DRAFTS_A, application_decision, positive="POST", expect=(200,),
        missing=lambda w: {**application_decision(w), "application_id": MISSING_ID},
        data=lambda w: {"decision": "refuse", "reason": "名额已满"}),
    "api:consultations:hearing_minutes": Rule("publishing a hearing's minutes (API)", DRAFTS_A,
                                              lambda w: hearing_id(w, "hearing_past"), missing=missing_hearing,
                                              positive="POST", expect=(200,), data=lambda w: {"minutes": "笔录"}),
    # --- Open311 (the api_key, not the session, says who asks) ---------------------------------------
    "open311:discovery": public("Open311 discovery", target=lambda w: open311_json()),
    "open311:v2-discovery": public("Open311 discovery", target=lambda w: open311_json()),
    "open311:services": public("Open311 services", target=lambda w: open311_json()),
    "open311:service": public("Open311 service", target=lambda w: open311_json(service_code=w.category.code)),
    "open311:requests": public(
        "Open311 public requests", target=lambda w: open311_json(),
        # Asking by id for a case another client sent shows nothing.
        query=lambda w: {"service_request_id": w.case_open311.tracking_number, "api_key": w.api_key_2_raw},
    ),
    "open311:request": Rule(
        "Open311 request (sent by client 1, not public)", ALL,
        lambda w: open311_json(service_request_id=w.case_open311.tracking_number),
        query=lambda w: {"api_key": w.api_key_1_raw},
        missing=lambda w: open311_json(service_request_id=MISSING_TRACKING),
        forbidden=lambda w: [
            {"kwargs": open311_json(service_request_id=w.case_open311.tracking_number),
             "query": {"api_key": w.api_key_2_raw}, "missing_query": {"api_key": w.api_key_2_raw}},
            {"kwargs": open311_json(service_request_id=w.case_open311.tracking_number), "query": {}},
            {"kwargs": open311_json(service_request_id=w.case.tracking_number),
             "query": {"api_key": w.api_key_1_raw}},
        ],
    ),
    "open311:token": public("Open311 token (the token is the capability)",
                            target=lambda w: open311_json(token=w.service_request.token)),
    "open311/^v2/(?P<path>.*)$": public("Open311 catch-all", path="/open311/v2/nothing", expect=(404,)),
    # --- REST API -------------------------------------------------------------------------------
    "api:schema": public("API schema"),
    "api:docs": public("API documentation"),
    "api:me": signed_in("the caller's account"),
    "api:phone-code": public("texted sign-in code for a program", positive="POST", expect=(202,),
                             data=lambda w: {"phone": "13812345678"}),
    # A wrong code: no token for anyone.
    "api:phone-token": public("API token by texted code", positive="POST", expect=(400,),
                              data=lambda w: {"phone": "13812345678", "code": "000000", "name": "x"}),
    "api:tokens": signed_in("the caller's tokens", data=lambda w: {"name": "sneaky"}),
    "api:token-revoke": Rule("API token (the owner's)", frozenset({"owner"}), lambda w: {"token_id": w.token.pk},
                             missing=lambda w: {"token_id": MISSING_ID}, positive="POST"),
    "api:cases": signed_in("the caller's cases"),
    "api:case-record": Rule(
        "operators' recording", frozenset({"operator"}), positive="POST", expect=(201,),
        data=lambda w: {"channel": "phone", "kind": "complaint", "category": w.category.pk,
                        "region": w.region.pk, "title": "Recorded by phone", "body": "A caller reports a noise.",
                        "contact_name": "Caller", "contact_phone": "12345"},
    ),
    "api:case-detail": Rule("case (owner's, department A)", SEES_CASE, tracking,
                            missing=lambda w: {"tracking": MISSING_TRACKING}),
    "api:case-actions": Rule("case (owner's, department A)", SEES_CASE, tracking,
                             missing=lambda w: {"tracking": MISSING_TRACKING}),
    "api:case-action": Rule(
        "action on a case (owner's, department A)", WORKS_CASE,
        lambda w: {"tracking": w.case.tracking_number, "action": "note"},
        missing=lambda w: {"tracking": MISSING_TRACKING, "action": "note"}, data=note, positive="POST",
    ),
    "api:case-supervision": Rule("supervision records of a case (owner's, department A)",
                                 SEES_CASE - {"owner", "follower"},
                                 tracking, missing=lambda w: {"tracking": MISSING_TRACKING}),
    "api:inbox": Rule("department inbox", OFFICIALS),
    "api:routing-centre": Rule("routing centre", frozenset({"dispatcher"})),
    "api:supervision-cases": supervisors(),
    "api:supervision-deadlines": supervisors(),
    "api:supervision-extensions": supervisors(),
    "api:supervision-rates": supervisors(),
    "api:map-cases": public("public map data", query=lambda w: {"bbox": "116.39,39.90,116.42,39.925"}),
    "api:supervision-heat-map": supervisors("heat map of cases (supervision, no object)"),
    "api/^v1/": public("API catch-all", path="/api/v1/nothing/", expect=(404,)),
    # --- the page for API tokens ------------------------------------------------------------------
    "api_pages:tokens": signed_in("the caller's tokens"),
    "api_pages:revoke": Rule("API token (the owner's)", frozenset({"owner"}), lambda w: {"token_id": w.token.pk},
                             missing=lambda w: {"token_id": MISSING_ID}, positive="POST"),
}
