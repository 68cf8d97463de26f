"""An official corrects a case's place with a reason (history kept); the
public sees the point rounded unless the moderator approves it exactly."""

from decimal import Decimal

import pytest
from django.urls import reverse

from petitions.lifecycle import Status
from places.geometry import distance_m
from places.models import CaseRelocation
from places.services import case_relocate
from portal.errors import ActionForbidden, DomainError
from publication.models import Publication
from publication.services import publication_approve
from tests.factories import CaseFactory, UserFactory
from tests.places.conftest import IN_STREET

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


@pytest.fixture
def located_case(department):
    return CaseFactory(status=Status.ACCEPTED, lead_department=department, wants_public=True,
                       latitude=Decimal("39.930000"), longitude=Decimal("116.430000"))


def test_an_official_moves_the_pin_with_a_reason_and_the_history_keeps_the_old_one(client, official, located_case,
                                                                                     street):
    client.force_login(official)
    response = client.post(reverse("responses:case_action", args=[located_case.pk, "relocate"]), {
        "version": located_case.version, "latitude": IN_STREET[0], "longitude": IN_STREET[1],
        "reason": "现场核实，位置在东华门大街。"})
    assert response.status_code == 302
    located_case.refresh_from_db()
    assert located_case.latitude == Decimal(IN_STREET[0]) and located_case.area == street
    relocation = CaseRelocation.objects.get()
    assert relocation.old_latitude == Decimal("39.930000") and relocation.moved_by == official
    assert relocation.reason == "现场核实，位置在东华门大街。"
    record = located_case.history.order_by("-history_date").first()
    assert record.history_change_reason == "relocated" and record.history_user == official
    assert located_case.history.order_by("history_date").first().latitude == Decimal("39.930000")
    page = client.get(reverse("petitions:case_detail", args=[located_case.pk])).content.decode()
    assert "Place on the map corrected" in page or "地图位置已更正" in page


def test_relocation_needs_a_reason_a_point_in_the_city_and_the_right_person(official, other_official, located_case):
    with pytest.raises(DomainError):
        case_relocate(actor=official, case_id=located_case.pk, latitude="39.91", longitude="116.40", reason=" ")
    with pytest.raises(DomainError):
        case_relocate(actor=official, case_id=located_case.pk, latitude="31.23", longitude="121.47", reason="核实")
    with pytest.raises(ActionForbidden):
        case_relocate(actor=other_official, case_id=located_case.pk, latitude="39.91", longitude="116.40",
                      reason="核实")
    assert not CaseRelocation.objects.exists()


def test_the_public_point_is_rounded_unless_the_moderator_approves_it(settings, moderator, located_case):
    settings.MAP_PUBLIC_PRECISION_METRES = 200
    publication = publication_approve(actor=moderator, case_id=located_case.pk, title=located_case.title,
                                      body=located_case.body)
    exact = (float(located_case.latitude), float(located_case.longitude))
    shown = (float(publication.latitude), float(publication.longitude))
    assert shown != exact and distance_m(*exact, *shown) < 150
    publication = publication_approve(actor=moderator, case_id=located_case.pk, title=located_case.title,
                                      body=located_case.body, exact_location=True)
    assert (publication.latitude, publication.longitude) == (located_case.latitude, located_case.longitude)
    # Both decisions are in the publication's history.
    assert [record.exact_location for record in publication.history.order_by("history_date")] == [False, True]


def test_the_moderation_page_offers_the_exact_place_checkbox(client, moderator, located_case):
    client.force_login(moderator)
    url = reverse("publication:moderate_case", args=[located_case.pk])
    assert 'name="exact_location"' in client.get(url).content.decode()
    client.post(url, {"decision": "approve", "reply_id": "", "exact_location": "on"})
    assert Publication.objects.get(case=located_case).exact_location


def test_a_corrected_place_moves_the_public_point_as_precisely_as_allowed(moderator, official, located_case):
    publication_approve(actor=moderator, case_id=located_case.pk, title=located_case.title, body=located_case.body)
    case_relocate(actor=official, case_id=located_case.pk, latitude=IN_STREET[0], longitude=IN_STREET[1],
                  reason="核实")
    publication = Publication.objects.get(case=located_case)
    assert not publication.exact_location
    assert distance_m(float(IN_STREET[0]), float(IN_STREET[1]), float(publication.latitude),
                      float(publication.longitude)) < 150
