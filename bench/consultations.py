"""A consultation with 100,000 comments: its page and each section's comment
list against the public case list's p99 (same gunicorn as bench/web.py,
load from wrk), and the campaign grouping of every comment as Celery work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenzheng_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/consultations.py all --comments 100000

Subcommands: `generate` (bulk-loads the consultation, its sections and
comments, none grouped yet), `group` (groups the backlog through the
group_pending task, then times new comments grouped one at a time through
group_comment, as the site does), `web` (wrk on the pages), `clean`
(deletes what `generate` made), `all` (the four in order, cleaning up
only with --clean). Run by hand; never by the tests."""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.web import PORT, headers_script, start_server, wrk  # noqa: E402  (sets Django up)

TITLE = "基准：停车管理办法（征求意见稿）"
AUTHOR_DOMAIN = "bench-comments.example"
SECTIONS = 30
BATCH = 5000

# Pasted campaigns: each text is sent as is, with its punctuation and spaces
# changed (the same fingerprint), or a little changed (near-identical).
CAMPAIGNS_ZH = [
    "坚决反对提高停车收费标准，这将加重市民负担，请重新考虑本条规定！",
    "支持设立居民停车优惠时段，老旧小区夜间停车难的问题必须解决。",
    "建议取消路内停车泊位的阶梯收费，先增加停车场供给再谈提价。",
    "反对将学校周边道路划为收费停车区，接送孩子的家长没有别的选择。",
    "请保留医院周边免费停车十五分钟的规定，方便就医的患者和家属。",
]
CAMPAIGNS_EN = [
    "I strongly oppose raising parking fees in the city centre: it burdens residents and small shops.",
    "Please keep the free fifteen minutes near hospitals; patients and their families depend on it.",
]
PHRASES_ZH = (
    "停车位 收费标准 老旧小区 夜间 共享车位 充电桩 非机动车 人行道 公交站 地铁口 学校 医院 菜市场 商圈 "
    "占道 违停 执法 罚款 电子收费 信用 价格听证 公示 物业 业委会 临时泊位 错时停车 立体车库 绿化带 消防通道 "
    "残疾人车位 新能源 出租车 网约车 货车 夜市 景区 节假日 早晚高峰 周边道路 社区 街道 区政府 市民热线 "
    "建议 反对 支持 希望 请求 明确 细化 增加 减少 延长 缩短 降低 提高 公开 监督 评估 试点 分时段 分区域"
).split()
WORDS_EN = (
    "parking fee street resident night shop school hospital bus metro bike lane charge permit zone weekend "
    "evening rush hour enforcement fine sign meter app price review notice garage space disabled electric "
    "taxi delivery market park suggest oppose support please clarify extend reduce increase publish monitor "
    "trial district council hotline neighbourhood visitors loading pavement safety children elderly"
).split()


def _varied(text: str, rng: random.Random) -> str:
    """The same text as another person pasted it: spacing, punctuation or
    width changed (one fingerprint), or a few words changed or added."""
    roll = rng.random()
    if roll < 0.6:
        return text
    if roll < 0.8:
        return text.replace("，", ", ").replace("！", "!").replace(":", "：") + rng.choice(["", " ", "。", "!!"])
    name = rng.choice(["张", "王", "李", "赵", "刘", "陈"]) + rng.choice(["先生", "女士", "同学", "老师"])
    return text + f"——{name}" if rng.random() < 0.7 else text.replace("请", "恳请").replace("Please", "We ask you to")


def comment_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return _varied(rng.choice(CAMPAIGNS_ZH), rng)
    if roll < 0.45:
        return _varied(rng.choice(CAMPAIGNS_EN), rng)
    if roll < 0.85:
        return "，".join("".join(rng.sample(PHRASES_ZH, 3)) for _ in range(rng.randint(3, 8))) + "。"
    return " ".join(rng.choice(WORDS_EN) for _ in range(rng.randint(12, 40))).capitalize() + "."


def generate(count: int, sections: int, seed: int) -> int:
    """A published, open consultation with `sections` sections and `count`
    comments (80 % published, a fifth on the whole draft), bulk-inserted
    and not yet grouped. Returns its id."""
    from accounts.models import Department, User
    from consultations import grouping
    from consultations.models import (
        Comment,
        Consultation,
        ConsultationState,
        DraftSection,
        DraftVersion,
        ModerationState,
    )

    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now()
    department = Department.objects.filter(is_active=True).order_by("pk").first()
    if department is None:
        sys.exit("No department: load the demo city first (manage.py demo) or generate.py.")
    consultation = Consultation.objects.create(
        department=department, title=TITLE, summary="基准数据。", state=ConsultationState.PUBLISHED, version=1,
        published_at=now, opens_at=now - timezone.timedelta(days=10), closes_at=now + timezone.timedelta(days=20))
    rows = DraftSection.objects.bulk_create(
        DraftSection(consultation=consultation, number=number, heading=f"第{number}条",
                     text=f"第{number}条 " + "本办法所称停车设施，是指供机动车停放的场所。" * 3)
        for number in range(1, sections + 1))
    DraftVersion.objects.create(consultation=consultation, number=1, published_at=now,
                                sections=[{"number": s.number, "heading": s.heading, "text": s.text} for s in rows])
    authors = User.objects.bulk_create(
        User(email=f"c{consultation.pk}-{n}@{AUTHOR_DOMAIN}", full_name=f"评论人{n}", email_confirmed_at=now)
        for n in range(max(1, count // 20)))
    written = 0
    while written < count:
        batch = []
        for n in range(written, min(count, written + BATCH)):
            body = comment_text(rng)
            published = rng.random() < 0.8
            batch.append(Comment(
                consultation=consultation, section=None if rng.random() < 0.2 else rng.choice(rows),
                author=authors[n % len(authors)], body=body, fingerprint=grouping.fingerprint(body),
                stance=rng.choice(["", "support", "oppose"]), public_body=body if published else "",
                moderation=ModerationState.PUBLISHED if published else ModerationState.PENDING,
                ip_address=f"10.{n % 250}.{n // 250 % 250}.{n % 7 + 1}",
                submitted_at=now - timezone.timedelta(seconds=count - n)))
        Comment.objects.bulk_create(batch)
        written += len(batch)
        print(f"\r{written:,} / {count:,} comments", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultations_comment")
    print(f"\nconsultation {consultation.pk}: {sections} sections, {count:,} comments by {len(authors):,} "
          f"people in {time.monotonic() - started:.1f} s")
    return consultation.pk


def bench_consultation():
    from consultations.models import Consultation

    consultation = Consultation.objects.filter(title=TITLE).order_by("-pk").first()
    if consultation is None:
        sys.exit("No bench consultation: run `generate` first.")
    return consultation


def group(incremental: int) -> None:
    """The backlog through the Celery task (eagerly, in this process, as a
    worker would run it), then `incremental` new comments one at a time."""
    from consultations import grouping, tasks
    from consultations.models import Comment, CommentGroup
    from portal.celery import app

    consultation = bench_consultation()
    app.conf.task_always_eager = True
    pending = Comment.objects.filter(consultation=consultation, group=None, invalidated_at=None).count()
    started = time.monotonic()
    tasks.group_pending.delay(consultation.pk)
    spent = time.monotonic() - started
    groups = CommentGroup.objects.filter(consultation=consultation, size__gt=0)
    largest = list(groups.order_by("-size").values_list("size", flat=True)[:8])
    print(f"backlog: {pending:,} comments grouped in {spent / 60:.2f} min ({pending / max(spent, 1e-9):,.0f}/s); "
          f"{groups.count():,} groups; largest campaigns {largest}")
    rng = random.Random(99)
    author = Comment.objects.filter(consultation=consultation).values_list("author_id", flat=True).first()
    timings = []
    for _ in range(incremental):
        body = comment_text(rng)
        comment = Comment.objects.create(consultation=consultation, author_id=author, body=body,
                                         fingerprint=grouping.fingerprint(body))
        one = time.monotonic()
        tasks.group_comment.delay(comment.pk)
        timings.append((time.monotonic() - one) * 1000)
    if timings:
        timings.sort()
        print(f"incremental: {incremental} new comments, one task each: median "
              f"{statistics.median(timings):.1f} ms, p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms")


def web(seconds: int, connections: int, workers: int, section_count: int) -> None:
    consultation = bench_consultation()
    numbers = list(consultation.sections.order_by("number").values_list("number", flat=True))[:section_count]
    runs = [("public case list", "/public/cases/"), ("consultation page", f"/consultations/{consultation.pk}/")]
    runs += [(f"section {number} comments", f"/consultations/{consultation.pk}/sections/{number}/")
             for number in numbers]
    base = f"http://127.0.0.1:{PORT}"
    server = start_server(workers=workers)
    results = {}
    try:
        for name, path in runs:
            warm = wrk(base + path, headers_script(), seconds=2, connections=4)
            if warm["non_2xx"]:
                sys.exit(f"{path} answers errors: {warm['output']}")
            results[name] = wrk(base + path, headers_script(), seconds=seconds, connections=connections)
    finally:
        server.terminate()
        server.wait()
    baseline = results["public case list"]["p99"]
    comments = consultation.comments.count()
    print(f"{comments:,} comments; gunicorn {workers} sync workers; wrk -t2 -c{connections} -d{seconds}s")
    print(f"{'measurement':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  p99 vs the public list")
    section_p99 = []
    for name, _path in runs:
        result = results[name]
        errors = result["non_2xx"] + result["timeouts"]
        if name.startswith("section"):
            section_p99.append(result["p99"])
        print(f"{name:28} {result['rate']:8.0f} {result['p50']:8.2f} {result['p99']:8.2f} {errors:7d}  "
              f"{result['p99'] / baseline:5.2f}x")
    if section_p99:
        print(f"sections: worst p99 {max(section_p99):.2f} ms = {max(section_p99) / baseline:.2f}x the public list's")


def clean() -> None:
    from accounts.models import User
    from consultations.models import Comment, CommentGroup, Consultation, DraftVersion

    for consultation in Consultation.objects.filter(title=TITLE):
        # Groups and comments point at each other: break the links first.
        CommentGroup.objects.filter(consultation=consultation).update(representative=None)
        Comment.objects.filter(consultation=consultation).update(group=None)
        Comment.history.filter(consultation_id=consultation.pk).delete()
        Comment.objects.filter(consultation=consultation).delete()
        DraftVersion.objects.filter(consultation=consultation).delete()
        consultation.delete()
    deleted, _ = User.objects.filter(email__endswith=f"@{AUTHOR_DOMAIN}").delete()
    print(f"cleaned up ({deleted:,} rows with the authors)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "group", "web", "clean", "all"])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=SECTIONS)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--incremental", type=int, default=200, help="new comments grouped one at a time")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=2, metavar="N")
    parser.add_argument("--measured-sections", type=int, default=SECTIONS,
                        help="how many sections' comment lists to drive with wrk")
    parser.add_argument("--clean", action="store_true", help="with `all`: delete the data afterwards")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL (and REDIS_URL).")
    if arguments.command in ("generate", "all"):
        generate(arguments.comments, arguments.sections, arguments.seed)
    if arguments.command in ("group", "all"):
        group(arguments.incremental)
    if arguments.command in ("web", "all"):
        web(arguments.seconds, arguments.connections, arguments.web_workers, arguments.measured_sections)
    if arguments.command == "clean" or (arguments.command == "all" and arguments.clean):
        clean()


if __name__ == "__main__":
    main()
