"""The world the access matrix probes: two departments, a citizen who owns
cases in several states, a follower (a citizen whose duplicate was merged
into the owner's case) and a stranger, every staff role, and an object of
each kind a URL can name (attachment, notification, API token, petition and
signature, Open311 request, export job, surge alert).

Built once per test module inside a transaction that is rolled back at the
end (tests/security/test_access_matrix.py)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import DepartmentMembership
from accounts.roles import Role
from api.services import token_create
from notifications.models import Event, Notification
from open311.keys import api_key_create
from open311.models import ServiceRequest
from petitions.lifecycle import Status
from petitions.models import Attachment, Channel, Kind
from publication.services import publication_approve
from publication.signals import case_published
from responses.models import InternalNote, Reply
from signatures.models import Petition, Signature, SurgeAlert, SurgeAlertCase
from signatures.services import confirmation_token
from supervision.clocks import clock_start
from supervision.models import ClockKind, ExportJob
from tests.factories import CaseFactory, CategoryFactory, DepartmentFactory, RegionFactory, UserFactory, official_of

# What only some may read of the owner's case (tests/security/access_rules.py SECRETS).
CASE_DETAILS = "Details of the complaint: the site gate code is 4471"
CASE_ADDRESS = "Building 7, Quiet Lane 12"
CASE_PHONE = "13900004471"
ATTACHMENT_NAME = "night-recording-log.pdf"
ATTACHMENT_CONTENT = b"%PDF-1.4 night works logged at 02:10 by the owner"
# What only supervisors (and, of their own report, the owner) may read of
# the owner's report of misconduct against department A.
REPORT_BODY = "At the counter the clerk asked for a red envelope, report 5582"
REPORT_OFFICIAL = "Clerk Wang Wu of window 5582"
EVIDENCE_NAME = "red-envelope-receipt.pdf"
EVIDENCE_CONTENT = b"%PDF-1.4 red envelope receipt 5582"
# A second named report against department A, by a citizen department A
# has never dealt with: their name, address and number, their words and
# file appear to supervisors alone.
WHISTLEBLOWER_NAME = "Whistle Blower Zhao 7731"
WHISTLEBLOWER_EMAIL = "whistle-7731@example.org"
WHISTLEBLOWER_PHONE = "13700007731"
WHISTLE_BODY = "The permit desk sat on my file for nine weeks, report 7731"
WHISTLE_OFFICIAL = "Desk officer Sun of the permit hall 7731"
WHISTLE_EVIDENCE_NAME = "permit-desk-7731.png"
ANONYMOUS_REPORT_BODY = "态度恶劣的匿名举报 9913"

# Everyone the matrix sends requests as; None is the anonymous visitor.
ROLES = (
    "anonymous", "owner", "follower", "stranger", "official_a", "head_a", "official_b", "operator", "dispatcher",
    "supervisor", "other_supervisor", "moderator", "interview_host",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)

    def user(self, role):
        return self.users[role]


def build_world() -> World:
    w = World()
    now = timezone.now()
    w.department_a = DepartmentFactory(code="dept-a", name="城市管理委员会", name_en="City Management")
    w.department_b = DepartmentFactory(code="dept-b", name="交通委员会", name_en="Transport")
    w.category = CategoryFactory(code="noise", name="噪音扰民", name_en="Noise")
    w.region = RegionFactory(code="dongcheng", name="东城区", name_en="Dongcheng")

    w.owner = UserFactory(email="owner@example.org", full_name="Owner Citizen")
    w.follower = UserFactory(email="follower@example.org", full_name="Follower Citizen")
    w.stranger = UserFactory(email="stranger@example.org", full_name="Stranger Citizen")
    w.official_a = official_of(w.department_a, email="official-a@example.org")
    w.head_a = UserFactory(email="head-a@example.org")
    DepartmentMembership.objects.create(user=w.head_a, department=w.department_a, is_head=True)
    w.official_b = official_of(w.department_b, email="official-b@example.org")
    w.operator = UserFactory(email="operator@example.org", roles=[Role.OPERATOR.value])
    w.dispatcher = UserFactory(email="dispatcher@example.org", roles=[Role.DISPATCHER.value])
    w.supervisor = UserFactory(email="supervisor@example.org", roles=[Role.SUPERVISOR.value])
    w.other_supervisor = UserFactory(email="supervisor-2@example.org", roles=[Role.SUPERVISOR.value])
    w.moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR.value])
    w.interview_host = UserFactory(email="interview-host@example.org", roles=[Role.INTERVIEW_HOST.value])
    w.users = {role: getattr(w, role, None) for role in ROLES}

    def case(**kwargs):
        defaults = {"citizen": w.owner, "category": w.category, "region": w.region, "channel": Channel.WEB}
        return CaseFactory(**{**defaults, **kwargs})

    # The owner's private case, worked by department A: the main target.
    w.case = case(status=Status.ACCEPTED, lead_department=w.department_a, dispatched_at=now,
                  signed_for_at=now, title="Noise from the building site at night", body=CASE_DETAILS,
                  address=CASE_ADDRESS, contact_phone=CASE_PHONE)
    w.attachment = Attachment.objects.create(
        case=w.case, file=ContentFile(ATTACHMENT_CONTENT, name="evidence.pdf"), original_name=ATTACHMENT_NAME,
        content_type="application/pdf", size=len(ATTACHMENT_CONTENT))
    # The follower's duplicate, merged into the owner's case: the follower
    # follows its progress and answers, never the owner's details or files.
    w.case_duplicate = case(citizen=w.follower, status=Status.MERGED, merged_into=w.case,
                            title="The building site is noisy again")
    w.clock = clock_start(case=w.case, kind=ClockKind.REPLY, start=now, department=w.department_a)
    InternalNote.objects.create(case=w.case, author=w.official_a, body="已电话联系。")
    w.notification = Notification.objects.create(recipient=w.owner, case=w.case, event=Event.REPLIED,
                                                 key=f"replied:{w.case.pk}")

    # The owner's cases in the other states the brief names.
    w.case_submitted = case(status=Status.ROUTING_CENTRE, title="Street light out")
    w.case_dispatched = case(status=Status.DISPATCHED, lead_department=w.department_a, dispatched_at=now)
    clock_start(case=w.case_dispatched, kind=ClockKind.SIGN_FOR, start=now, department=w.department_a)

    # A replied case the owner agreed to publish and a moderator published.
    w.case_public = case(status=Status.REPLIED, lead_department=w.department_a, dispatched_at=now,
                         replied_at=now, wants_public=True, title="Pothole on Main Street")
    Reply.objects.create(case=w.case_public, department=w.department_a, author=w.official_a,
                         body="已修复。", published_at=now)
    publication_approve(actor=w.moderator, case_id=w.case_public.pk, title=w.case_public.title,
                        body=w.case_public.body, answer="已修复。")
    # A replied case the owner wants public that no moderator has decided on.
    w.case_awaiting = case(status=Status.REPLIED, lead_department=w.department_a, replied_at=now,
                           wants_public=True)
    Reply.objects.create(case=w.case_awaiting, department=w.department_a, author=w.official_a,
                         body="已处理。", published_at=now)

    # The stranger's case, worked by department B.
    w.case_b = case(citizen=w.stranger, contact_email=w.stranger.email, status=Status.ACCEPTED,
                    lead_department=w.department_b, dispatched_at=now)
    Notification.objects.create(recipient=w.stranger, case=w.case_b, event=Event.REPLIED,
                                key=f"replied:{w.case_b.pk}")

    # A published petition, open for co-signing, with an unconfirmed signature.
    w.petition_case = case(kind=Kind.PETITION, status=Status.ACCEPTED, lead_department=w.department_a,
                           wants_public=True, title="Open the school playground")
    publication_approve(actor=w.moderator, case_id=w.petition_case.pk, title=w.petition_case.title,
                        body=w.petition_case.body)
    case_published.send(sender=type(w.petition_case), case=w.petition_case, by=w.moderator)
    w.petition = Petition.objects.get(case=w.petition_case)
    w.signature = Signature.objects.create(petition=w.petition, name="Signer", email="signer@example.org",
                                           email_normalised="signer@example.org", email_domain="example.org")
    w.signature_token = confirmation_token(w.signature)

    # The owner's API token.
    w.token, _key = token_create(actor=w.owner, user=w.owner, name="owner's program")

    # Two Open311 clients; the first sent a case that is not public.
    w.api_key_1, w.api_key_1_raw = api_key_create(
        name="Street app", user=UserFactory(email="app-1@example.org"), region=w.region)
    w.api_key_2, w.api_key_2_raw = api_key_create(
        name="Other app", user=UserFactory(email="app-2@example.org"), region=w.region)
    w.case_open311 = case(citizen=None, contact_email="reporter@example.org", channel=Channel.API,
                          status=Status.DISPATCHED, lead_department=w.department_a, dispatched_at=now)
    w.service_request = ServiceRequest.objects.create(case=w.case_open311, api_key=w.api_key_1,
                                                      token="t" * 43)

    # The supervisor's finished export, and an open surge alert.
    w.export_job = ExportJob.objects.create(requested_by=w.supervisor, parameters={}, format="csv",
                                            state=ExportJob.State.DONE, finished_at=now)
    w.export_job.file.save("access-matrix.csv", ContentFile(b"case\n"), save=True)
    # An export official_a wrote while a supervisor, before the role was taken away.
    w.former_export_job = ExportJob.objects.create(requested_by=w.official_a, parameters={}, format="csv",
                                                   state=ExportJob.State.DONE, finished_at=now)
    w.former_export_job.file.save("access-matrix-former.csv", ContentFile(b"case\n"), save=True)
    w.surge_alert = SurgeAlert.objects.create(
        dimension=SurgeAlert.Dimension.CATEGORY, category=w.category, window_start=now - timedelta(hours=24),
        window_end=now, case_count=9, baseline_mean=1.0, baseline_stdev=1.0, threshold=4.0)
    SurgeAlertCase.objects.create(alert=w.surge_alert, case=w.case)

    # Live interviews with department A: one live, with a published and a
    # waiting question of the owner's, and one announced.
    from interviews import services as interviews

    def interview(title):
        return interviews.interview_schedule(
            actor=w.interview_host, title=title, department=w.department_a, guests="发言人", starts_at=now,
            ends_at=now + timedelta(hours=1), category=w.category, region=w.region)

    w.interview = interviews.interview_start(actor=w.interview_host, interview_id=interview("在线访谈").pk)
    w.interview_scheduled = interview("网上发布会")
    w.question_published = interviews.question_publish(
        actor=w.moderator, question_id=interviews.question_submit(
            actor=w.owner, interview_id=w.interview.pk, body="已发布的问题").pk)
    w.question_pending = interviews.question_submit(actor=w.owner, interview_id=w.interview.pk,
                                                    body="等待审核的问题")
    w.question_token = interviews.question_confirmation_token(interviews.question_submit_by_email(
        interview_id=w.interview.pk, email="visitor@example.org", body="以邮箱提问"))

    # Reports of misconduct against department A: the owner's, being
    # verified, with evidence and an explanation asked of the department;
    # the owner's concluded one; an anonymous one awaiting a supervisor.
    from django.contrib.auth.models import AnonymousUser

    from oversight import services as oversight
    from oversight.models import Evidence

    w.report, _none = oversight.report_submit(actor=w.owner, department=w.department_a, category="favours",
                                              body=REPORT_BODY, official=REPORT_OFFICIAL, case=w.case)
    w.evidence = Evidence.objects.create(report=w.report, file=ContentFile(EVIDENCE_CONTENT, name="e.pdf"),
                                         original_name=EVIDENCE_NAME, content_type="application/pdf",
                                         size=len(EVIDENCE_CONTENT))
    oversight.report_accept(actor=w.supervisor, report_id=w.report.pk)
    w.explanation = oversight.explanation_request(actor=w.supervisor, report_id=w.report.pk,
                                                  summary="请说明窗口办理情况。", due_at=now + timedelta(days=5))
    w.report_concluded, _none = oversight.report_submit(actor=w.owner, department=w.department_a,
                                                        category="delay", body="拖延办理的举报内容")
    oversight.report_accept(actor=w.supervisor, report_id=w.report_concluded.pk)
    oversight.finding_record(actor=w.supervisor, report_id=w.report_concluded.pk, outcome="partly",
                             conclusion="部分属实。", notice="通报批评。", publish_notice=True)
    w.report_anonymous, w.report_secret = oversight.report_submit(
        actor=AnonymousUser(), department=w.department_a, category="attitude", body=ANONYMOUS_REPORT_BODY)
    from django.core.files.uploadedfile import SimpleUploadedFile

    w.whistleblower = UserFactory(email=WHISTLEBLOWER_EMAIL, full_name=WHISTLEBLOWER_NAME,
                                  phone=f"+86{WHISTLEBLOWER_PHONE}")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    w.report_whistle, _none = oversight.report_submit(
        actor=w.whistleblower, department=w.department_a, category="delay", body=WHISTLE_BODY,
        official=WHISTLE_OFFICIAL, files=[(SimpleUploadedFile(WHISTLE_EVIDENCE_NAME, png), "image/png")])
    w.whistle_evidence = w.report_whistle.evidence.get()
    oversight.report_accept(actor=w.supervisor, report_id=w.report_whistle.pk)
    w.whistle_explanation = oversight.explanation_request(
        actor=w.supervisor, report_id=w.report_whistle.pk, summary="请说明许可窗口的办理时限。",
        due_at=now + timedelta(days=5))
    # An administrator: staff, who reads the log of reads in the admin.
    from django.contrib.auth.models import Permission

    w.admin = UserFactory(email="admin@example.org", is_staff=True)
    w.admin.user_permissions.add(Permission.objects.get(codename="view_reportread"))
    # Consultations of department A: a draft, one open with a document and
    # the owner's comment, and one whose window has closed.
    from consultations import services as consultations
    from consultations.models import Consultation, Document

    def consultation(title):
        return consultations.consultation_create(actor=w.official_a, department=w.department_a, title=title,
                                                 text="第一条 总则\n第二条 收费")

    w.consultation_draft = consultation("停车管理办法（草稿）")
    w.consultation = consultations.consultation_publish(actor=w.head_a,
                                                        consultation_id=consultation("停车管理办法").pk)
    w.consultation_document = Document.objects.create(
        consultation=w.consultation, title="起草说明", file=ContentFile(b"%PDF-1.4 notes", name="notes.pdf"), size=14)
    w.consultation_comment = consultations.comment_submit(actor=w.owner, consultation_id=w.consultation.pk,
                                                          body="建议降低收费")
    w.consultation_closed = consultations.consultation_publish(actor=w.head_a,
                                                               consultation_id=consultation("户外广告规定").pk)
    Consultation.objects.filter(pk=w.consultation_closed.pk).update(opens_at=now - timedelta(days=31),
                                                                    closes_at=now - timedelta(days=1))
    consultations.consultations_close_due()
    w.consultation_closed.refresh_from_db()
    # Hearings on the open consultation: one taking applications, one whose
    # applications closed (with the follower's application to decide on),
    # and one held, whose minutes (with a PDF) are published. A finished
    # export of its comments.
    from consultations.exports.models import CommentExport
    from consultations.hearings import services as hearings
    from consultations.hearings.models import Hearing

    def hearing(days):
        return hearings.hearing_announce(actor=w.official_a, consultation_id=w.consultation.pk,
                                         place="市政府第一会议室", seats=2, starts_at=now + timedelta(days=days + 1),
                                         apply_until=now + timedelta(days=days))

    w.hearing = hearing(5)
    w.hearing_closed = hearing(3)
    w.hearing_application = hearings.hearing_apply(actor=w.follower, hearing_id=w.hearing_closed.pk,
                                                   statement="我住在附近，想谈谈停车难。")
    Hearing.objects.filter(pk=w.hearing_closed.pk).update(apply_until=now - timedelta(hours=1))
    w.hearing_past = hearing(1)
    Hearing.objects.filter(pk=w.hearing_past.pk).update(
        apply_until=now - timedelta(days=3), starts_at=now - timedelta(days=1), minutes="听证会笔录",
        minutes_published_at=now)
    w.hearing_past.refresh_from_db()
    w.hearing_past.minutes_file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"))
    w.comment_export = CommentExport.objects.create(consultation=w.consultation, requested_by=w.official_a,
                                                    format="csv", state="done", total=1, done=1)
    w.comment_export.file.save("export.csv", ContentFile(b"comment\n1\n"))
    return w
