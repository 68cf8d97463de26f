"""Offline hearings: announced by the department, applied for by citizens
once each until the deadline, participants selected up to the seats with a
reason for each refusal, applicants told, minutes published."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from consultations import services as consultations
from consultations.hearings import services
from consultations.hearings.models import ApplicationState, Hearing, HearingApplication
from notifications.models import Event, Notification
from portal.errors import ActionForbidden, DomainError, TransitionNotAllowed
from tests.conftest import client_for
from tests.consultations.conftest import TEXT
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English (the site's default is Chinese) unless a test asks otherwise."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def announce(official, consultation, *, seats=2, apply_days=5):
    now = timezone.now()
    return services.hearing_announce(actor=official, consultation_id=consultation.pk, place="市政府第一会议室",
                                     seats=seats, apply_until=now + datetime.timedelta(days=apply_days),
                                     starts_at=now + datetime.timedelta(days=apply_days + 2))


def close_applications(hearing):
    Hearing.objects.filter(pk=hearing.pk).update(apply_until=timezone.now() - datetime.timedelta(minutes=1))
    hearing.refresh_from_db()


def hold(hearing):
    Hearing.objects.filter(pk=hearing.pk).update(apply_until=timezone.now() - datetime.timedelta(days=2),
                                                 starts_at=timezone.now() - datetime.timedelta(hours=2))
    hearing.refresh_from_db()


@pytest.fixture
def hearing(official, open_consultation):
    return announce(official, open_consultation)


# --- services ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_departments_officials_announce_and_only_on_a_published_consultation(
        official, head, other_official, citizen, open_consultation):
    draft = consultations.consultation_create(actor=official, department=open_consultation.department,
                                              title="未公布的草稿", text=TEXT)
    with pytest.raises(ActionForbidden):
        announce(other_official, open_consultation)
    with pytest.raises(ActionForbidden):
        announce(citizen, open_consultation)
    with pytest.raises(TransitionNotAllowed):
        announce(official, draft)
    assert announce(head, open_consultation).seats == 2  # a colleague with the same rights
    with pytest.raises(DomainError, match="no later than the hearing starts"):
        now = timezone.now()
        services.hearing_announce(actor=official, consultation_id=open_consultation.pk, place="会议室", seats=1,
                                  apply_until=now + datetime.timedelta(days=3),
                                  starts_at=now + datetime.timedelta(days=2))


@pytest.mark.django_db
def test_a_citizen_applies_once_and_only_until_the_deadline(hearing, citizen, other_citizen):
    application = services.hearing_apply(actor=citizen, hearing_id=hearing.pk, statement="我想谈谈停车难")
    assert application.state == ApplicationState.APPLIED
    with pytest.raises(DomainError, match="already applied"):
        services.hearing_apply(actor=citizen, hearing_id=hearing.pk, statement="再来一次")
    close_applications(hearing)
    with pytest.raises(TransitionNotAllowed, match="closed"):
        services.hearing_apply(actor=other_citizen, hearing_id=hearing.pk, statement="晚了")
    assert HearingApplication.objects.count() == 1


@pytest.mark.django_db
def test_selection_fills_the_seats_refusals_need_a_reason_and_every_decision_is_kept_and_told(
        official, head, other_official, open_consultation, django_capture_on_commit_callbacks):
    hearing = announce(official, open_consultation, seats=1)
    first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")
    a1 = services.hearing_apply(actor=first, hearing_id=hearing.pk, statement="一")
    a2 = services.hearing_apply(actor=second, hearing_id=hearing.pk, statement="二")
    with pytest.raises(TransitionNotAllowed, match="once applications have closed"):
        services.application_decide(actor=official, application_id=a1.pk, select=True)
    close_applications(hearing)
    with pytest.raises(ActionForbidden):
        services.application_decide(actor=other_official, application_id=a1.pk, select=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(actor=official, application_id=a1.pk, select=True)
    with pytest.raises(DomainError, match="All 1 seats are taken"):
        services.application_decide(actor=head, application_id=a2.pk, select=True)
    with pytest.raises(DomainError, match="reason"):
        services.application_decide(actor=head, application_id=a2.pk, select=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(actor=head, application_id=a2.pk, select=False, reason="名额已满，按报名先后选定")
    a2.refresh_from_db()
    assert (a2.state, a2.reason, a2.decided_by) == (ApplicationState.REFUSED, "名额已满，按报名先后选定", head)
    told = dict(Notification.objects.filter(event__in=[Event.HEARING_SELECTED, Event.HEARING_REFUSED])
                .values_list("recipient__email", "event"))
    assert told == {"first@example.org": Event.HEARING_SELECTED, "second@example.org": Event.HEARING_REFUSED}
    assert {message.to[0] for message in mail.outbox} >= {"first@example.org", "second@example.org"}
    assert f"/consultations/{open_consultation.pk}/hearings/{hearing.pk}/" in mail.outbox[-1].body
    # The department changes its mind: the first is refused, the second selected; the history keeps all.
    services.application_decide(actor=official, application_id=a1.pk, select=False, reason="本人来电放弃")
    services.application_decide(actor=official, application_id=a2.pk, select=True)
    a2.refresh_from_db()
    assert a2.state == ApplicationState.SELECTED and a2.reason == ""
    assert [h.state for h in a2.history.order_by("history_date")] == ["applied", "refused", "selected"]
    assert Notification.objects.filter(recipient=second).count() == 2


@pytest.mark.django_db
def test_the_selection_no_longer_changes_once_the_hearing_started(official, hearing, citizen):
    application = services.hearing_apply(actor=citizen, hearing_id=hearing.pk, statement="一")
    hold(hearing)
    with pytest.raises(TransitionNotAllowed, match="started"):
        services.application_decide(actor=official, application_id=application.pk, select=True)


@pytest.mark.django_db
def test_minutes_are_published_after_the_hearing_with_an_optional_pdf(official, other_official, hearing):
    with pytest.raises(TransitionNotAllowed):
        services.minutes_publish(actor=official, hearing_id=hearing.pk, minutes="笔录")
    hold(hearing)
    with pytest.raises(ActionForbidden):
        services.minutes_publish(actor=other_official, hearing_id=hearing.pk, minutes="笔录")
    with pytest.raises(DomainError, match="PDF"):
        services.minutes_publish(actor=official, hearing_id=hearing.pk, minutes="笔录",
                                 upload=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64))
    services.minutes_publish(actor=official, hearing_id=hearing.pk, minutes="听证会笔录：与会代表十二人。",
                             upload=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"))
    hearing.refresh_from_db()
    assert hearing.minutes_published_at and hearing.minutes_file


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_consultation_page_announces_the_hearing_and_a_citizen_applies_on_its_page(
        client, hearing, open_consultation, citizen):
    page = client.get(f"/consultations/{open_consultation.pk}/").content.decode()
    assert "市政府第一会议室" in page and f"/hearings/{hearing.pk}/" in page
    url = f"/consultations/{open_consultation.pk}/hearings/{hearing.pk}/"
    assert "Sign in to apply" in client.get(url).content.decode()
    client_for(client, citizen)
    response = client.post(f"{url}apply/", {"statement": "我想谈谈停车难"}, follow=True)
    text = response.content.decode()
    assert "Your application is recorded" in text and "awaiting selection" in text and "我想谈谈停车难" in text
    assert "already applied" in client.post(f"{url}apply/", {"statement": "again"}, follow=True).content.decode()


@pytest.mark.django_db
def test_the_department_announces_selects_and_publishes_minutes_on_its_pages(
        client, official, open_consultation, citizen, django_assert_max_num_queries):
    client_for(client, official)
    base = f"/consultations/{open_consultation.pk}/hearings/"
    now = timezone.localtime()
    response = client.post(base, {"place": "区政府礼堂", "seats": 1,
                                  "starts_at": (now + datetime.timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
                                  "apply_until": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M")})
    hearing = Hearing.objects.get()
    assert response.status_code == 302 and hearing.place == "区政府礼堂"
    for index in range(8):
        services.hearing_apply(actor=UserFactory(), hearing_id=hearing.pk, statement=f"发言{index}")
    application = services.hearing_apply(actor=citizen, hearing_id=hearing.pk, statement="我要发言")
    close_applications(hearing)
    with django_assert_max_num_queries(12):
        page = client.get(f"{base}{hearing.pk}/applications/")
    assert "我要发言" in page.content.decode() and "发言7" in page.content.decode()
    response = client.post(f"{base}{hearing.pk}/applications/", {
        "application": application.pk, f"a{application.pk}-decision": "refuse",
        f"a{application.pk}-reason": "发言内容与草案无关"}, follow=True)
    assert "The decision is recorded" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.REFUSED
    # The refused citizen reads the decision and its reason on the hearing's page.
    text = client_for(client, citizen).get(f"{base}{hearing.pk}/").content.decode()
    assert "not selected" in text and "发言内容与草案无关" in text
    hold(hearing)
    client_for(client, official).post(f"{base}{hearing.pk}/minutes/", {
        "minutes": "听证会笔录：与会代表一人。",
        "file": SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")})
    public = client.get(f"{base}{hearing.pk}/").content.decode()
    assert "听证会笔录：与会代表一人。" in public and "minutes.pdf" in public
    pdf = client.get(f"{base}{hearing.pk}/minutes.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("official", 200), ("head", 200), ("other_official", 404),
                                         ("citizen", 404)])
def test_the_selection_page_is_the_departments_alone(client, request, hearing, open_consultation, who, status):
    client_for(client, request.getfixturevalue(who))
    assert client.get(f"/consultations/{open_consultation.pk}/hearings/").status_code == status
    assert client.get(f"/consultations/{open_consultation.pk}/hearings/{hearing.pk}/applications/").status_code \
        == status


@pytest.mark.django_db
def test_hearing_pages_speak_chinese(client, hearing, open_consultation):
    with translation.override("zh-hans"):
        page = client.get(f"/consultations/{open_consultation.pk}/hearings/{hearing.pk}/",
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "听证会" in page and "报名截止" in page


# --- API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_lists_hearings_and_citizens_apply_and_the_department_decides(
        client, official, other_official, open_consultation, citizen):
    base = f"/api/v1/consultations/{open_consultation.pk}/hearings/"
    now = timezone.now()
    body = {"place": "会议室", "seats": 3, "starts_at": (now + datetime.timedelta(days=9)).isoformat(),
            "apply_until": (now + datetime.timedelta(days=7)).isoformat()}
    assert client_for(client, other_official).post(base, body, content_type="application/json").status_code == 404
    created = client_for(client, official).post(base, body, content_type="application/json")
    assert created.status_code == 201
    hearing_id = created.json()["id"]
    client.logout()
    assert client.post(f"{base}{hearing_id}/apply/", {"statement": "x"}).status_code in (401, 403)
    listed = client.get(base).json()
    assert listed[0]["place"] == "会议室" and listed[0]["seats"] == 3
    applied = client_for(client, citizen).post(f"{base}{hearing_id}/apply/", {"statement": "我要发言"},
                                               content_type="application/json")
    assert applied.status_code == 201 and applied.json()["state"] == "applied"
    assert client.post(f"{base}{hearing_id}/apply/", {"statement": "again"},
                       content_type="application/json").status_code == 400
    assert client.get(f"{base}{hearing_id}/applications/").status_code == 404
    assert client_for(client, other_official).get(f"{base}{hearing_id}/applications/").status_code == 404
    close_applications(Hearing.objects.get(pk=hearing_id))
    rows = client_for(client, official).get(f"{base}{hearing_id}/applications/").json()
    assert [row["statement"] for row in rows] == ["我要发言"]
    decided = client.post(f"{base}{hearing_id}/applications/{rows[0]['id']}/decision/",
                          {"decision": "select"}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["state"] == "selected"
    assert client.get(base).json()[0]["selected"] == 1


@pytest.mark.django_db
def test_the_hearing_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for operation in ("consultations_hearings", "consultations_hearing_apply", "consultations_hearing_decide",
                      "consultations_hearing_applications", "consultations_hearing_minutes"):
        assert operation in schema
