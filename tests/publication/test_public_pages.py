"""The public list with its filters and search, the case page, and the
same 404 for a missing and a non-public case everywhere public."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from petitions.models import Kind
from publication.selectors import PublicFilters, public_search, search_public_cases
from tests.factories import CategoryFactory, RegionFactory
from tests.publication.conftest import answered_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_public):
    noise = make_public("夜间施工噪音扰民", "每晚十一点以后工地还在施工，影响休息。", "已责令工地停止夜间施工。")
    english = make_public("Construction noise at night", "Trucks unload every night after midnight.",
                          "The site was told to stop night work.")
    bus = make_public("公交站牌损坏", "站牌被风吹倒了。", "")
    return noise, english, bus


def titles(filters):
    return [item.title for item in search_public_cases(filters)]


def test_chinese_search_finds_the_case_by_a_word_inside_the_title(cases):
    assert titles(PublicFilters(query="噪音")) == ["夜间施工噪音扰民"]
    assert titles(PublicFilters(query="施工")) == ["夜间施工噪音扰民"]
    assert titles(PublicFilters(query="噪")) == ["夜间施工噪音扰民"]
    assert titles(PublicFilters(query="噪声")) == []


def test_english_search_stems_words(cases):
    assert titles(PublicFilters(query="noise")) == ["Construction noise at night"]
    assert titles(PublicFilters(query="NOISES")) == ["Construction noise at night"]
    assert titles(PublicFilters(query="constructing")) == ["Construction noise at night"]
    assert titles(PublicFilters(query="noisy")) == ["Construction noise at night"]


def test_when_no_case_has_every_word_the_partial_matches_are_shown_and_said_so(cases):
    search = public_search(PublicFilters(query="noise bus"))
    assert search.partial and [item.title for item in search.cases] == ["Construction noise at night"]
    assert not public_search(PublicFilters(query="noise night")).partial
    nothing = public_search(PublicFilters(query="bus timetable"))
    assert not nothing.partial and list(nothing.cases) == []


def test_search_reaches_the_answer(cases):
    assert titles(PublicFilters(query="责令")) == ["夜间施工噪音扰民"]


def test_title_matches_rank_first(make_public, cases):
    make_public("路灯不亮", "晚上路灯不亮，附近施工噪音也很大。")
    assert titles(PublicFilters(query="噪音")) == ["夜间施工噪音扰民", "路灯不亮"]


def test_query_made_only_of_stop_words_or_punctuation_finds_nothing(cases):
    assert titles(PublicFilters(query="the ！？")) == []


def test_filters_narrow_the_list(make_public, moderator, department, other_department):
    from tests.publication.conftest import publish

    parent = CategoryFactory(name="城市管理")
    child = CategoryFactory(name="占道经营", parent=parent)
    region = RegionFactory(name="西城区")
    a = publish(answered_case(department=department, title="占道经营的小贩", body="内容内容内容。", answer="已处理",
                              category=child, region=region, kind=Kind.COMPLAINT), moderator)
    b = publish(answered_case(department=other_department, title="咨询办证", body="内容内容内容。",
                              kind=Kind.CONSULTATION), moderator)
    assert titles(PublicFilters(category_id=parent.pk)) == [a.title]
    assert titles(PublicFilters(region_id=region.pk)) == [a.title]
    assert titles(PublicFilters(department_id=other_department.pk)) == [b.title]
    assert titles(PublicFilters(kind=Kind.CONSULTATION)) == [b.title]
    assert titles(PublicFilters(status="answered")) == [a.title]
    assert titles(PublicFilters(status="awaiting")) == [b.title]


def test_list_page_marks_matches_and_escapes(client, make_public):
    make_public("<script>alert(1)</script>噪音", "噪音 & 灰尘。")
    page = client.get(reverse("publication:case_list"), {"q": "噪音"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>噪音</mark>" in page
    assert "<script>alert(1)" not in page
    assert "<mark>噪音</mark> &amp; 灰尘" in page


def test_list_page_runs_a_fixed_number_of_queries(client, make_public, django_assert_num_queries):
    for number in range(3):
        make_public(f"噪音问题{number}", "夜里很吵很吵。", "已处理。")
    client.get(reverse("publication:case_list"))

    def count(**params):
        client.get(reverse("publication:case_list"), params)  # the option lists: read once, then from the cache
        caches["fragments"].clear()  # the results rendered afresh: the most a request asks
        # A count up to a limit, and the page; a search first asks whether any case has every word.
        with django_assert_num_queries(3 if "q" in params else 2) as captured:
            client.get(reverse("publication:case_list"), params)
        with django_assert_num_queries(0):  # the next visitor of the same list: reused
            client.get(reverse("publication:case_list"), params)
        return len(captured)

    count()
    count(q="噪音")
    for number in range(3, 30):
        make_public(f"噪音问题{number}", "夜里很吵很吵。", "已处理。")
    count()
    count(q="噪音", status="answered")


def test_a_partial_search_runs_a_bounded_number_of_queries(client, make_public, django_assert_max_num_queries):
    """Whatever the number of cases: per term, how common it is and (at
    most) one narrowing of the candidates; then the count and the page."""
    def partial_search():
        client.get(reverse("publication:case_list"))  # the option lists: read once, then from the cache
        caches["fragments"].clear()
        with django_assert_max_num_queries(1 + 2 * 3 + 2):
            page = client.get(reverse("publication:case_list"), {"q": "噪音 施工 扰民"}).content.decode()
        assert "these match some of them" in page

    for number in range(3):
        make_public(f"噪音问题{number}", "夜里很吵很吵。")
    partial_search()
    for number in range(40):
        make_public(f"施工扰民{number}", "白天施工。")
    partial_search()


def test_a_long_list_is_counted_up_to_a_limit(client, make_public, monkeypatch):
    monkeypatch.setattr("portal.pagination.COUNT_LIMIT", 4)
    monkeypatch.setattr("portal.pagination.PAGE_SIZE", 2)
    cases = [make_public(f"噪音问题{number}", "夜里很吵很吵。", "已处理。").case for number in range(7)]
    page = client.get(reverse("publication:case_list"), {"q": "噪音"}).content.decode()
    assert "More than 4 cases found" in page and "Page 1, of more than 4 cases" in page
    assert 'rel="next"' in page and "q=%E5%99%AA%E9%9F%B3&amp;page=2" in page
    last = client.get(reverse("publication:case_list"), {"page": 4}).content.decode()
    assert cases[0].tracking_number in last and cases[1].tracking_number not in last
    assert 'rel="next"' not in last and 'rel="prev"' in last
    few = client.get(reverse("publication:case_list"), {"q": "噪音问题3"}).content.decode()
    assert "1 case found" in few and cases[3].tracking_number in few


def test_list_is_paginated(client, make_public):
    for number in range(27):
        make_public(f"问题{number:02d}", "内容内容内容。")
    first = client.get(reverse("publication:case_list")).content.decode()
    second = client.get(reverse("publication:case_list"), {"page": 2}).content.decode()
    assert "问题26" in first and "问题00" not in first and "问题00" in second


def test_missing_and_private_cases_are_the_same_404(client, department, moderator, make_public):
    private = answered_case(department=department, title="私人问题", body="内容内容内容。")
    unknown = client.get(reverse("publication:case_detail", args=["000000-0000-0000-000"]))
    hidden = client.get(reverse("publication:case_detail", args=[private.tracking_number]))
    assert unknown.status_code == hidden.status_code == 404
    assert "私人问题" not in hidden.content.decode()
    similar = client.get(reverse("publication:similar_cases"), {"title": "私人问题"}).content.decode()
    assert private.tracking_number not in similar
    for fmt in ("csv", "json"):
        export = b"".join(client.get(reverse("publication:cases_export", args=[fmt])).streaming_content).decode()
        assert private.tracking_number not in export
    feed = client.get(reverse("publication:department_feed", args=[department.code])).content.decode()
    assert private.tracking_number not in feed
    search = client.get(reverse("publication:case_list"), {"q": "私人问题"}).content.decode()
    assert private.tracking_number not in search


def test_a_public_case_is_found_by_its_number_as_read_aloud_and_nonsense_is_not_found(client, make_public):
    publication = make_public("路灯不亮", "小区门口路灯坏了。", "已修复。")
    spoken = publication.case.tracking_number.replace("-", " ")
    assert "路灯不亮" in client.get(f"/public/cases/{spoken}/").content.decode()
    # PostgreSQL refuses a NUL character in a query: still the same 404, not a 500.
    client.raise_request_exception = False
    assert client.get("/public/cases/26%0012/").status_code == 404


def test_detail_page_shows_department_and_timings(client, make_public, department):
    publication = make_public("夜间施工噪音扰民", "每晚都有施工。", "已责令停止。")
    page = client.get(reverse("publication:case_detail", args=[publication.case.tracking_number])).content.decode()
    assert str(department.name_en) in page and "已责令停止。" in page
    assert timezone.localtime(publication.answered_at).strftime("%Y-%m-%d") in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", ["噪音 noise", "噪音 noise 地铁"])  # every word; some of them
def test_search_uses_the_index_not_a_table_scan(make_public, moderator, department, query):
    from petitions.models import Case
    from publication.models import Publication
    from tests.factories import CaseFactory

    for number in range(3):
        make_public(f"噪音问题{number}", "夜里很吵很吵。 noise at night")
    # Many published cases that do not match, made in bulk from one that does not.
    other = make_public("公交站牌损坏", "站牌被风吹倒了。")
    document = Publication.objects.filter(pk=other.pk).values_list("search_document", flat=True).get()
    template = other.case
    cases = Case.objects.bulk_create([
        # Numbered, not random: 5,000 random numbers collide about once in a thousand runs.
        CaseFactory.build(title=f"站牌{number}", body=template.body, wants_public=True, citizen=template.citizen,
                          category=template.category, region=template.region, lead_department=department,
                          tracking_number=f"bulk-{number:05d}")
        for number in range(5000)
    ])
    Publication.objects.bulk_create([
        Publication(case=case, state=other.state, title=case.title, body=case.body, kind=case.kind,
                    category_id=case.category_id, region_id=case.region_id, submitted_at=case.submitted_at,
                    published_at=other.published_at, search_document=document)
        for case in cases
    ])
    queryset = search_public_cases(PublicFilters(query=query))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publication_publication")
        cursor.execute("ANALYZE petitions_case")
        # A table this small is cheapest to read whole; with scans priced
        # out, the plan shows what a large table would use.
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert len(queryset) == 3
    lines = [line for line in plan.splitlines() if "publication_publication" in line]
    assert lines and not any("Seq Scan" in line for line in lines), plan
    assert "Bitmap Index Scan on pub_search_gin_idx" in plan, plan


# The public rows as the template wrote them when it read each value from the
# publication itself; the view now works the values out first. Same HTML.
TEMPLATE_ROWS = (
    '{% load i18n %}<ol class="public-cases">{% for row in rows %}{% with item=row.publication %}'
    "<li class=\"public-case\"><h3><a href=\"{% url 'publication:case_detail' item.case.tracking_number %}\">"
    '{{ row.title }}</a></h3><p class="excerpt">{{ row.excerpt }}</p><p class="meta">'
    '<span class="status">{{ item.get_public_status_display }}</span>'
    "{{ item.get_kind_display }} · {{ item.category }} · {{ item.region }} "
    "{% if item.department %}· {{ item.department }}{% endif %} "
    "· {% translate \"submitted\" %} <time datetime=\"{{ item.submitted_at|date:'c' }}\">"
    '{{ item.submitted_at|date:"Y-m-d" }}</time> '
    "{% if item.answered_at %}· {% translate \"answered\" %} <time datetime=\"{{ item.answered_at|date:'c' }}\">"
    '{{ item.answered_at|date:"Y-m-d" }}</time>{% endif %}</p></li>{% endwith %}{% endfor %}</ol>'
)


@pytest.mark.parametrize("query", ["", "噪音"])
def test_list_rows_are_the_templates(client, make_public, moderator, query):
    import re

    from django.template import engines
    from django.test.html import parse_html

    from publication.search import Highlighter
    from publication.views import _excerpt
    from tests.publication.conftest import publish

    make_public("夜间施工噪音扰民", "<b>每晚</b>十一点以后还在施工。", "已责令停止。")
    make_public("Construction noise", "Trucks & noise every night.")
    publish(answered_case(department=None, title="无部门的噪音", body="内容内容内容。"), moderator)
    page = client.get(reverse("publication:case_list"), {"q": query} if query else {}).content.decode()
    shown = re.search(r'<ol class="public-cases">.*?</ol>', page, re.S).group(0)
    highlighter = Highlighter.for_query(query)
    rows = [{"publication": item, "title": highlighter.mark(item.title), "excerpt": _excerpt(highlighter, item)}
            for item in search_public_cases(PublicFilters(query=query))]
    assert len(rows) == 3 if not query else len(rows) == 2
    expected = engines["django"].from_string(TEMPLATE_ROWS).render({"rows": rows})
    assert parse_html(shown) == parse_html(expected)


def test_partial_results_are_announced_above_them_in_the_visitors_language(client, cases):
    page = client.get(reverse("publication:case_list"), {"q": "晚上施工太吵"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text, number = page.content.decode(), cases[0].case.tracking_number
    assert "以下案件包含其中部分词语" in text and number in text
    assert text.index("以下案件包含其中部分词语") < text.index(number)
    exact = client.get(reverse("publication:case_list"), {"q": "夜间施工"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "以下案件包含其中部分词语" not in exact.content.decode()
