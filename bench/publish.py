"""Publish a share of the generated cases' answers on the public side, as
moderators would, so that the public list and search are measured on a
realistic number of published cases (bench/generate.py writes none).

    DATABASE_URL=postgres://... .venv/bin/python bench/publish.py --every 20

Every N-th answered case (replied or closed) becomes public: its author
agreed (wants_public) and the demo moderator published it with one of a
dozen realistic public texts (noise, roads, street lights, ...), written
with COPY; each text's search document is built once by
publication.search.build_document, exactly as the moderation service
builds it; each gets a public point on the map. Run by hand, after
generate.py; never by the tests."""

import argparse
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from publication.search import build_document  # noqa: E402

TEXTS = [
    ("夜间施工噪音扰民", "小区旁工地每天夜里十一点后仍在施工，噪音很大，影响居民休息。",
     "经核查，该工地未办理夜间施工许可，已责令停止夜间施工并处罚款。"),
    ("广场舞音响噪音过大", "每天晚上公园广场舞音响音量很大，持续到十点以后。",
     "已与社区和公园管理方协调，规定音量上限和结束时间，并安排巡查。"),
    ("路灯不亮", "东四环辅路一段路灯已经坏了两周，夜间行走很不安全。", "已安排维修，路灯已恢复照明。"),
    ("道路破损坑洼", "学校门口道路有多处坑洼，雨天积水，车辆和行人通行困难。", "已列入维修计划，本周内完成修补。"),
    ("垃圾清运不及时", "小区垃圾站垃圾堆积多日无人清运，气味很大。", "已督促环卫单位每日清运，并增加清运频次。"),
    ("违规占道停车", "商场周边车辆长期占用人行道停车，行人只能走机动车道。", "交管部门已加强执法，并施划停车位。"),
    ("公交线路调整建议", "建议增加早高峰公交班次，现在等车时间过长。", "已评估客流，早高峰加密班次至每八分钟一班。"),
    ("餐馆油烟扰民", "楼下餐馆油烟直排，家里窗户都不能开。", "执法人员已检查，责令餐馆安装油烟净化设施。"),
    ("供暖温度不达标", "今年供暖以来室内温度一直不到十八度。", "供热公司已上门检测并调整管网，温度已达标。"),
    ("小区电梯故障频繁", "小区电梯一个月内多次停运，老人上下楼困难。", "已责成物业和维保单位全面检修并更换部件。"),
    ("噪音：酒吧深夜音乐", "酒吧深夜音乐声很大，周边居民无法入睡。",
     "已对酒吧进行噪音检测并责令整改，整改后复测达标。"),
    ("学校周边交通安全", "放学时段学校门口车辆拥堵，孩子过马路很危险。",
     "已增设护学岗和交通信号灯，放学时段有交警值守。"),
]
COLUMNS = ["case_id", "state", "show_author_name", "title", "body", "answer", "redacted", "kind", "category_id",
           "region_id", "department_id", "public_status", "submitted_at", "answered_at", "published_at",
           "rejection_note", "moderated_by_id", "moderated_at", "search_document", "latitude", "longitude",
           "exact_location", "map_cell"]


def _place(case_id: int) -> list[str]:
    """A public point for the map: most cases in the core districts, the
    rest over the city's box, the same for a case every run; rounded as the
    moderation service rounds it (places.services.public_point)."""
    import random

    from places.conf import city_bounds
    from places.services import public_point

    chance = random.Random(case_id)
    box = city_bounds()
    if chance.random() < 0.7:
        lat, lon = chance.gauss(39.91, 0.04), chance.gauss(116.40, 0.05)
    else:
        lat, lon = chance.uniform(box.south, box.north), chance.uniform(box.west, box.east)
    lat, lon = min(max(lat, box.south), box.north), min(max(lon, box.west), box.east)
    public_lat, public_lon, cell = public_point(lat, lon, exact=False)
    return [str(public_lat), str(public_lon), "f", str(cell)]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def publish(every: int) -> int:
    moderator = User.objects.get(email="moderator@wenzheng.example").pk
    documents = [_escape(build_document(title=t, body=b, answer=a, vendor="postgresql")) for t, b, a in TEXTS]
    published = 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_case SET wants_public = true WHERE id %% %s = 0 AND status IN "
                       "('replied', 'closed') AND NOT wants_public", [every])
        # One plain query (a hash anti-join); a server-side cursor would get a
        # fast-start plan that crawls through the cases table.
        cursor.execute("SELECT c.id, c.kind, c.category_id, c.region_id, c.lead_department_id, c.submitted_at, "
                       "c.replied_at FROM petitions_case c WHERE c.id %% %s = 0 AND c.status IN ('replied', 'closed') "
                       "AND NOT EXISTS (SELECT 1 FROM publication_publication p WHERE p.case_id = c.id)", [every])
        answered = cursor.fetchall()
        for first in range(0, len(answered), 50_000):
            rows = answered[first:first + 50_000]
            buffer = io.StringIO()
            for case_id, kind, category, region, department, submitted, replied in rows:
                number = case_id // every % len(TEXTS)
                title, body, answer = TEXTS[number]
                at = (replied + timedelta(days=1)).isoformat()
                buffer.write("\t".join([
                    str(case_id), "published", "f", title, body, answer, "f", kind, str(category), str(region),
                    str(department) if department else "\\N", "answered", submitted.isoformat(), replied.isoformat(),
                    at, "", str(moderator), at, documents[number], *_place(case_id)]) + "\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY publication_publication ({', '.join(COLUMNS)}) FROM STDIN", buffer)
            published += len(rows)
            sys.stderr.write(f"\r{published:,} published")
        # A moderator decided on each: off the moderation queue (Case.publication_decided).
        cursor.execute("UPDATE petitions_case c SET publication_decided = true FROM publication_publication p "
                       "WHERE p.case_id = c.id AND p.state <> 'pending' AND NOT c.publication_decided")
        cursor.execute("ANALYZE publication_publication")
        cursor.execute("ANALYZE petitions_case")
    sys.stderr.write("\n")
    return published


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=20, help="publish every N-th answered case")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/publish.py loads PostgreSQL with COPY: set DATABASE_URL to a PostgreSQL database.")
    started = time.monotonic()
    from django.db import transaction

    with transaction.atomic():
        count = publish(arguments.every)
    print(f"published {count:,} cases in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
