"""Demo consultations for the demo city (portal/demo.py): one open with
comments (two of them a campaign), and one closed with its feedback report.
Made through the services, like real ones; loading twice changes nothing."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from consultations import services
from consultations.models import Adoption, Comment, Consultation, ModerationState

OPEN_TITLE = "《城市市容和环境卫生管理办法（征求意见稿）》"
CLOSED_TITLE = "《户外广告设置管理规定（征求意见稿）》"

OPEN_TEXT = """第一章 总则
第一条 为加强城市市容和环境卫生管理，创造整洁、优美的城市环境，制定本办法。
第二条 本办法适用于本市城市建成区。
第二章 市容管理
第三条 临街建筑物的外立面应当保持整洁、完好。
第四条 在主要街道两侧设置的摊点，应当经城市管理部门批准。"""

CLOSED_TEXT = """第一条 为规范户外广告设置，制定本规定。
第二条 户外广告设置应当符合城市规划，不得影响交通安全。
第三条 设置大型户外广告，应当经城市管理部门审批。"""


def load_consultations_demo() -> None:
    """Run after the demo city is loaded (it needs its City Management
    department, its head and official, and the demo citizen)."""
    if Consultation.objects.filter(title__in=[OPEN_TITLE, CLOSED_TITLE]).exists():
        return
    department = Department.objects.get(code="city-management")
    official = User.objects.get(email="official@wenzheng.example")
    head = User.objects.get(email="head@wenzheng.example")
    citizen = User.objects.get(email="citizen@wenzheng.example")
    moderator = User.objects.get(email="moderator@wenzheng.example")
    now = timezone.now()
    with transaction.atomic():
        opened = services.consultation_create(
            actor=official, department=department, title=OPEN_TITLE, text=OPEN_TEXT,
            summary="市城市管理委员会起草了本办法，现向社会公开征求意见。")
        services.consultation_publish(actor=head, consultation_id=opened.pk)
        sections = list(opened.sections.order_by("number"))
        for body, section, stance in [
            ("建议明确摊点审批的时限，方便小商户。", sections[-1], "support"),
            ("外立面整洁的要求应当给出具体标准。", sections[-2], ""),
            ("反对在主要街道设置摊点，影响通行！", sections[-1], "oppose"),
            ("反对在主要街道设置摊点，影响通行。", sections[-1], "oppose"),
        ]:
            comment = services.comment_submit(actor=citizen, consultation_id=opened.pk, body=body,
                                              section_id=section.pk, stance=stance)
            services.comment_moderate(actor=moderator, comment_id=comment.pk, publish=True)

        closed = services.consultation_create(actor=official, department=department, title=CLOSED_TITLE,
                                              text=CLOSED_TEXT)
        services.consultation_publish(actor=head, consultation_id=closed.pk,
                                      opens_at=now - datetime.timedelta(days=40))
        Consultation.objects.filter(pk=closed.pk).update(opens_at=now - datetime.timedelta(days=40),
                                                         closes_at=now - datetime.timedelta(days=10))
    # The closed one's comment dates from when its window was open, so it is
    # recorded directly, then grouped as the task would.
    section = closed.sections.order_by("number").last()
    comment = Comment.objects.create(consultation=closed, section=section, author=citizen,
                                     body="建议公布审批的条件和时限。", public_body="建议公布审批的条件和时限。",
                                     moderation=ModerationState.PUBLISHED,
                                     submitted_at=now - datetime.timedelta(days=20))
    group = services.comment_group(comment_id=comment.pk)
    for pk in [c.pk for c in opened.comments.all()]:
        services.comment_group(comment_id=pk)
    services.consultations_close_due()
    services.feedback_set(actor=official, consultation_id=closed.pk, section_id=section.pk,
                          decision=Adoption.ADOPTED, reason="已在第三条中写明审批条件，并规定二十个工作日内作出决定。")
    services.feedback_set(actor=official, consultation_id=closed.pk, group_id=group.pk,
                          decision=Adoption.PARTLY, reason="审批条件已公布；时限另行规定。")
    services.report_publish(actor=head, consultation_id=closed.pk,
                            summary="共收到意见1条，采纳1条。感谢市民的参与。")
