"""Citizens through the API: submit, list, read, add material, rate; and
the same visibility as the pages for everyone else (a missing case and a
forbidden one both 404)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.lifecycle import Status
from petitions.models import Case, Channel, MaterialRequest
from responses.models import Reply
from supervision.models import Feedback
from tests.api.conftest import codes, token_client
from tests.factories import CaseFactory, DispatchedCaseFactory

pytestmark = pytest.mark.django_db


def detail_url(case):
    return reverse("api:case-detail", kwargs={"tracking": case.tracking_number})


def action_url(case, name):
    return reverse("api:case-action", kwargs={"tracking": case.tracking_number, "action": name})


def submission(category, region, **extra):
    return {"kind": "complaint", "category": category.pk, "region": region.pk, "title": "夜间施工噪音扰民",
            "body": "东华门附近工地每晚十一点后仍在施工，影响休息。", **extra}


def test_citizen_submits_a_case_through_the_submission_service(citizen, category, region,
                                                              django_capture_on_commit_callbacks):
    client = token_client(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:cases"), submission(category, region), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(tracking_number=body["case"]["tracking_number"])
    assert body["created"] is True
    assert case.citizen == citizen and case.channel == Channel.API and case.contact_email == citizen.email
    # The service scheduled routing: with no rule the case waits in the routing centre.
    assert case.status == Status.ROUTING_CENTRE
    assert case.clocks.filter(kind="dispatch").exists()


def test_the_same_submission_key_files_one_case(citizen, category, region):
    client = token_client(citizen)
    data = submission(category, region, submission_key=str(uuid.uuid4()))
    first = client.post(reverse("api:cases"), data, format="json")
    again = client.post(reverse("api:cases"), data, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["created"] is False
    assert Case.objects.count() == 1


def test_invalid_submission_says_which_field_is_wrong(citizen, category, region):
    client = token_client(citizen)
    data = {**submission(category, region), "title": "短", "region": 999999}
    del data["body"]
    response = client.post(reverse("api:cases"), data, format="json")
    assert response.status_code == 400
    assert set(codes(response)) == {("title", "min_length"), ("body", "required"), ("region", "does_not_exist")}
    assert all(error["message"] for error in response.json()["errors"])
    assert not Case.objects.exists()


def test_error_messages_follow_the_request_language(citizen, category, region):
    client = token_client(citizen)
    data = submission(category, region)
    del data["title"]
    english = client.post(reverse("api:cases"), data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(reverse("api:cases"), data, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.json()["errors"][0]["message"] == "This field is required."
    assert chinese.json()["errors"][0]["message"] == "该字段是必填项。"


def test_citizen_lists_only_their_own_cases(citizen, other_citizen):
    mine = [CaseFactory(citizen=citizen) for _ in range(3)]
    CaseFactory(citizen=other_citizen)
    response = token_client(citizen).get(reverse("api:cases"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {row["tracking_number"] for row in body["results"]} == {case.tracking_number for case in mine}


def test_my_cases_runs_a_fixed_number_of_queries(citizen, django_assert_max_num_queries):
    client = token_client(citizen)
    for _ in range(30):
        CaseFactory(citizen=citizen)
    # The token's last use is written once a minute at most; the deadline
    # policies and the calendar are read once per process.
    client.get(reverse("api:cases"))
    # token + count + page (with category, region, department) + roles/visibility
    with django_assert_max_num_queries(4):
        response = client.get(reverse("api:cases"))
    assert len(response.json()["results"]) == 25


@pytest.mark.parametrize("actor, visible", [
    ("citizen", True), ("official", True), ("other_citizen", False), ("other_official", False),
    ("supervisor", True), ("dispatcher", True),
])
def test_who_may_read_a_private_case(request, actor, visible, citizen, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, wants_public=False)
    response = token_client(request.getfixturevalue(actor)).get(detail_url(case))
    assert response.status_code == (200 if visible else 404)
    if not visible:
        missing = token_client(request.getfixturevalue(actor)).get(
            reverse("api:case-detail", kwargs={"tracking": "000000-0000-0000-000"}))
        assert missing.status_code == 404
        assert missing.json() == response.json()  # a forbidden case looks exactly like a missing one


def test_owner_sees_published_replies_but_not_drafts_nor_internal_work(citizen, official, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.REPLIED)
    Reply.objects.create(case=case, department=department, author=official, body="已处理。",
                         published_at=timezone.now())
    Reply.objects.create(case=case, department=department, author=official, body="草稿", state="pending_approval")
    owner_view = token_client(citizen).get(detail_url(case)).json()
    staff_view = token_client(official).get(detail_url(case)).json()
    assert [reply["body"] for reply in owner_view["replies"]] == ["已处理。"]
    assert owner_view["replies"][0]["author"] is None
    assert owner_view["staff"] is None and owner_view["viewer"]["is_owner"] is True
    assert [reply["body"] for reply in staff_view["replies"]] == ["已处理。", "草稿"]
    assert staff_view["staff"]["contact"]["email"] == citizen.email


def test_a_follower_reads_progress_and_answers_but_not_the_other_citizens_details_or_files(
        citizen, other_citizen, official, department):
    """The API shows a follower what the case page shows them (petitions.permissions.case_sight)."""
    from django.core.files.base import ContentFile

    from petitions.models import Attachment

    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.REPLIED,
                                 body="门牌号是东华门大街7号。", address="东华门大街7号")
    Attachment.objects.create(case=case, file=ContentFile(b"\x89PNG", name="photo.png"), original_name="photo.png",
                              content_type="image/png", size=4)
    Reply.objects.create(case=case, department=department, author=official, body="已处理。",
                         published_at=timezone.now())
    MaterialRequest.objects.create(case=case, department=department, requested_by=official, message="请补充照片",
                                   answer="照片见附件", answered_at=timezone.now())
    CaseFactory(citizen=other_citizen, status=Status.MERGED, merged_into=case)
    follower_view = token_client(other_citizen).get(detail_url(case)).json()
    owner_view = token_client(citizen).get(detail_url(case)).json()
    assert follower_view["viewer"] == {"is_owner": False, "is_follower": True, "is_staff": False}
    assert follower_view["title"] == case.title and [r["body"] for r in follower_view["replies"]] == ["已处理。"]
    assert follower_view["body"] is None and follower_view["address"] is None
    assert follower_view["attachments"] == [] and follower_view["material_requests"] == []
    assert follower_view["staff"] is None
    assert owner_view["body"] == case.body and len(owner_view["attachments"]) == 1
    assert len(owner_view["material_requests"]) == 1
    # The supervision records are for those who work on the case.
    assert token_client(other_citizen).get(
        reverse("api:case-supervision", kwargs={"tracking": case.tracking_number})).status_code == 403


def test_citizen_adds_material_and_rates_the_answer(citizen, official, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.MATERIAL_REQUESTED)
    MaterialRequest.objects.create(case=case, department=department, requested_by=official, message="请补充照片")
    client = token_client(citizen)
    listed = client.get(reverse("api:case-actions", kwargs={"tracking": case.tracking_number})).json()
    assert [action["name"] for action in listed["actions"]] == ["add_material", "withdraw"]
    fields = {field["name"]: field for field in listed["actions"][0]["fields"]}
    assert fields["answer"]["required"] is True and fields["attachment"]["type"] == "file"

    done = client.post(action_url(case, "add_material"), {"answer": "照片已补充。", "version": listed["version"]},
                       format="json")
    assert done.status_code == 200, done.content
    assert done.json()["case"]["status"] == Status.ACCEPTED
    assert MaterialRequest.objects.get(case=case).answer == "照片已补充。"

    case.refresh_from_db()
    Reply.objects.create(case=case, department=department, author=official, body="已处理", published_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(status=Status.REPLIED)
    rated = client.post(action_url(case, "feedback"), {"resolved": True, "satisfaction": "satisfied"},
                        format="json")
    assert rated.status_code == 200, rated.content
    assert rated.json()["case"]["status"] == Status.CLOSED
    assert Feedback.objects.get(case=case).resolved is True


def test_material_can_come_as_a_multipart_upload(citizen, official, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.MATERIAL_REQUESTED)
    MaterialRequest.objects.create(case=case, department=department, requested_by=official, message="请补充照片")
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = token_client(citizen).post(action_url(case, "add_material"), {"answer": "见附件", "attachment": png},
                                          format="multipart")
    assert response.status_code == 200, response.content
    assert case.attachments.get().content_type == "image/png"


def test_another_citizen_cannot_act_on_the_case(citizen, other_citizen, department):
    case = DispatchedCaseFactory(citizen=citizen, lead_department=department, status=Status.ACCEPTED)
    response = token_client(other_citizen).post(action_url(case, "withdraw"), {"confirm": True}, format="json")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
