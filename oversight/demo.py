"""Demo reports of misconduct for the demo city (portal/demo.py): one
awaiting a supervisor (anonymous), one being verified with an explanation
asked of the department, one substantiated with a published notice. Made
through the services; loading twice changes nothing."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Department, User
from oversight import services
from oversight.models import Report

MARKER = "【演示】"


def load_oversight_demo() -> list[str]:
    """Run after the demo city is loaded. Returns the anonymous report's
    tracking number and secret, to try the follow-up page."""
    if Report.objects.filter(body__startswith=MARKER).exists():
        return []
    citizen = User.objects.get(email="citizen@wenzheng.example")
    supervisor = User.objects.get(email="supervisor@wenzheng.example")
    city = Department.objects.get(code="city-management")
    transport = Department.objects.get(code="transport")

    anonymous, secret = services.report_submit(
        actor=AnonymousUser(), department=transport, category="attitude", official="地铁客服中心窗口工作人员",
        body=f"{MARKER}办理老年卡时窗口工作人员态度恶劣，不解释所需材料。")

    verifying, _none = services.report_submit(
        actor=citizen, department=city, category="delay", official="某街道城管执法队",
        body=f"{MARKER}反映占道经营问题三次，每次都说已转办，一个多月无人处理。")
    services.report_accept(actor=supervisor, report_id=verifying.pk)
    services.explanation_request(actor=supervisor, report_id=verifying.pk,
                                 summary="有市民反映某路段占道经营问题多次反映未处理，请说明处置情况。",
                                 due_at=timezone.now() + datetime.timedelta(days=5))

    substantiated, _none = services.report_submit(
        actor=citizen, department=city, category="favours", official="审批窗口工作人员",
        body=f"{MARKER}办理户外广告审批时，窗口工作人员暗示需要“意思意思”才能加快办理。")
    services.report_accept(actor=supervisor, report_id=substantiated.pk)
    services.finding_record(
        actor=supervisor, report_id=substantiated.pk, outcome="substantiated",
        conclusion="经核查，举报情况属实。已责令该部门整改，并对相关人员作出处理。",
        notice="市城市管理委员会审批窗口个别工作人员在办理业务中存在吃拿卡要行为，经核查属实，现予通报批评，"
               "责令限期整改。",
        publish_notice=True, refer=True, referral_note="移送市纪委监委驻市城管委纪检监察组。")
    return [anonymous.tracking_number, secret]
