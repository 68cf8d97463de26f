"""The submission form: a citizen's view of good and bad input."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions.models import Case
from tests.petitions.test_case_submit import PDF

URL = reverse("petitions:case_submit")


@pytest.fixture
def form_data(category, region):
    return {
        "kind": "complaint",
        "category": category.pk,
        "region": region.pk,
        "urgency": "normal",
        "title": "夜间施工噪音扰民",
        "body": "每天晚上十一点以后工地仍在施工，噪音很大。",
        "address": "东华门大街1号",
        "wants_public": "on",
        "submission_key": str(uuid.uuid4()),
    }


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_citizen_submits_and_sees_the_tracking_number(client, citizen, form_data):
    client.force_login(citizen)
    response = client.post(URL, {**form_data, "attachment": SimpleUploadedFile("notice.pdf", PDF)}, follow=True)
    case = Case.objects.get()
    assert response.status_code == 200
    assert case.tracking_number in response.content.decode()
    assert case.citizen == citizen and case.contact_email == citizen.email
    assert case.wants_public is True
    assert case.attachments.count() == 1


@pytest.mark.django_db
def test_posting_the_same_form_twice_creates_one_case(client, citizen, form_data):
    client.force_login(citizen)
    first = client.post(URL, form_data)
    second = client.post(URL, form_data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "This field is required."),
        ("title", "x" * 121, "at most 120 characters"),
        ("body", "", "This field is required."),
        ("body", "y" * 5001, "at most 5000 characters"),
        ("category", "999999", "Choose a category from the list."),
        ("region", "999999", "Choose a region from the list."),
        ("kind", "gossip", "Select a valid choice."),
    ],
)
def test_bad_fields_are_explained_and_nothing_is_saved(client, citizen, form_data, field, value, message):
    client.force_login(citizen)
    response = client.post(URL, {**form_data, field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.count() == 0
    # What the citizen typed in the other fields is still in the form.
    if field != "body":
        assert form_data["body"] in response.content.decode()


@pytest.mark.django_db
def test_inactive_category_is_refused(client, citizen, form_data, category):
    category.is_active = False
    category.save()
    client.force_login(citizen)
    response = client.post(URL, form_data, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose a category from the list." in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_file_that_is_not_an_image_or_pdf_is_refused_by_its_content(client, citizen, form_data):
    client.force_login(citizen)
    disguised = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    response = client.post(URL, {**form_data, "attachment": disguised}, HTTP_ACCEPT_LANGUAGE="en")
    assert "not an image" in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_file_over_the_limit_is_refused(client, citizen, form_data, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(citizen)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client.post(URL, {**form_data, "attachment": big}, HTTP_ACCEPT_LANGUAGE="en")
    assert "files may be at most 1.0\xa0KB" in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_a_file_a_few_bytes_over_the_limit_is_told_both_sizes_apart(client, citizen, form_data, settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    client.force_login(citizen)

    def over():
        return SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024 + 3 - len(PDF)),
                                  content_type="application/pdf")

    page = client.post(URL, {**form_data, "attachment": over()}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The file is 10,485,763 bytes; files may be at most 10,485,760 bytes." in page
    page = client.post(URL, {**form_data, "attachment": over()}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "10,485,763 字节" in page and "10,485,760 字节" in page


@pytest.mark.django_db
def test_errors_are_shown_in_chinese_to_a_chinese_speaker(client, citizen, form_data):
    client.force_login(citizen)
    response = client.post(URL, {**form_data, "title": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "该字段是必填项。" in response.content.decode()
