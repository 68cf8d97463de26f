import pytest
from rest_framework.test import APIClient

from consultations import services
from tests.consultations.conftest import close_now


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_anyone_reads_published_consultations_never_drafts(api, open_consultation, draft, official, head):
    other = services.consultation_create(actor=official, department=draft.department, title="另一草稿",
                                         text="第一条 甲")
    listed = api.get("/api/v1/consultations/").json()
    titles = [row["title"] for row in listed["results"]]
    assert open_consultation.title in titles and other.title not in titles
    detail = api.get(f"/api/v1/consultations/{open_consultation.pk}/").json()
    assert detail["phase"] == "open" and len(detail["sections"]) == 5
    assert api.get(f"/api/v1/consultations/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_citizens_comment_by_the_api_until_the_window_closes(api, open_consultation, citizen):
    url = f"/api/v1/consultations/{open_consultation.pk}/comments/"
    assert api.post(url, {"body": "意见"}, format="json").status_code in (401, 403)
    api.force_authenticate(citizen)
    section = open_consultation.sections.get(number=2)
    made = api.post(url, {"body": "意见", "section": section.pk, "stance": "oppose"}, format="json")
    assert made.status_code == 201 and made.json()["moderation"] == "pending"
    close_now(open_consultation)
    late = api.post(url, {"body": "晚了"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert late.status_code in (400, 409) and "closed" in str(late.json())


@pytest.mark.django_db
def test_the_department_reads_groups_and_answers_them(api, open_consultation, citizen, official, other_official):
    comment = services.comment_submit(actor=citizen, consultation_id=open_consultation.pk, body="反对收费")
    group = services.comment_group(comment_id=comment.pk)
    api.force_authenticate(other_official)
    assert api.get(f"/api/v1/consultations/{open_consultation.pk}/groups/").status_code == 404
    api.force_authenticate(official)
    groups = api.get(f"/api/v1/consultations/{open_consultation.pk}/groups/").json()
    assert groups == [{"id": group.pk, "size": 1, "section": None, "stance": "", "body": "反对收费"}]
    close_now(open_consultation)
    answer = api.post(f"/api/v1/consultations/{open_consultation.pk}/feedback/",
                      {"group": group.pk, "decision": "not_adopted", "reason": "依法定价"}, format="json")
    assert answer.status_code == 200 and answer.json()["decision"] == "not_adopted"
