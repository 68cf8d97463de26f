"""Demo interviews for the demo city (portal/demo.py): one held, with its
transcript and a question passed on as a case, and one upcoming. Made
through the services, like real ones; loading twice changes nothing."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from interviews import services
from interviews.models import Interview
from petitions.models import Category, Region

HOST_EMAIL = "host@wenzheng.example"
PAST_TITLE = "公共交通线路优化在线访谈"
UPCOMING_TITLE = "背街小巷环境整治网上发布会"


def load_interviews_demo(*, password: str) -> list[tuple[str, str, str]]:
    """Run after the demo city is loaded. Returns the interview host's
    account as (e-mail, password, role), for the demo's list of accounts."""
    host = User.objects.filter(email=HOST_EMAIL).first()
    if host is None:
        host = User.objects.create_user(email=HOST_EMAIL, password=password, full_name="郑主持",
                                        email_confirmed_at=timezone.now())
    host.groups.add(Group.objects.get_or_create(name=Role.INTERVIEW_HOST.value)[0])
    account = [(HOST_EMAIL, password, "interview host")]
    if Interview.objects.filter(title__in=[PAST_TITLE, UPCOMING_TITLE]).exists():
        return account
    citizen = User.objects.get(email="citizen@wenzheng.example")
    now = timezone.now()
    common = {"actor": host, "category": Category.objects.get(code="transport-public"),
              "region": Region.objects.get(code="dongcheng")}

    past = services.interview_schedule(
        title=PAST_TITLE, department=Department.objects.get(code="transport"),
        guests="市交通委员会副主任 陈明\n市交通委员会新闻发言人 林静",
        starts_at=now - datetime.timedelta(days=3), ends_at=now - datetime.timedelta(days=3, hours=-1),
        description="就公交线路调整、地铁接驳和无障碍出行回答市民提问。",
        stream_url="https://video.example.org/live/transport-2026", **common)
    asked = [services.question_submit(actor=citizen, interview_id=past.pk, body=body, language="zh-hans")
             for body in ("地铁站到小区的接驳公交能否延长运营时间？",
                          "老年人乘坐公交的无障碍设施什么时候能普及？",
                          "东直门附近的公交站能否增加遮阳棚？")]
    for question in asked:
        services.question_publish(actor=host, question_id=question.pk)
    services.interview_start(actor=host, interview_id=past.pk)
    services.answer_post(actor=host, interview_id=past.pk, speaker="陈明",
                         body="各位网友好，欢迎参加今天的在线访谈。今年我们将调整二十条公交线路。")
    services.answer_post(actor=host, interview_id=past.pk, question_id=asked[0].pk, speaker="陈明",
                         body="今年第三季度起，十二条地铁接驳线末班车将延长至二十三点。")
    services.answer_post(actor=host, interview_id=past.pk, question_id=asked[1].pk, speaker="林静",
                         body="年底前全市公交车将全部更换为低地板车辆，并配备语音报站。")
    # The third question is not answered live: closing makes it a case.
    services.interview_close(actor=host, interview_id=past.pk)

    services.interview_schedule(
        title=UPCOMING_TITLE, department=Department.objects.get(code="city-management"),
        guests="市城市管理委员会主任 周华",
        starts_at=now + datetime.timedelta(days=7), ends_at=now + datetime.timedelta(days=7, hours=1),
        description="欢迎就背街小巷的环境卫生、停车和照明提出问题。", **{**common,
                                                                  "category": Category.objects.get(code="urban")})
    return account
