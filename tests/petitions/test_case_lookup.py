"""Looking a case up without an account: number and e-mail together."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory

URL = reverse("petitions:case_lookup")


@pytest.mark.django_db
def test_number_and_email_show_the_status(client, citizen):
    case = CaseFactory(citizen=citizen, title="路灯不亮")
    response = client.post(URL, {"tracking_number": case.tracking_number, "email": citizen.email.upper()})
    assert response.status_code == 200
    assert "路灯不亮" in response.content.decode()


@pytest.mark.django_db
def test_number_typed_with_spaces_is_accepted(client, citizen):
    case = CaseFactory(citizen=citizen, title="路灯不亮")
    spaced = " ".join(case.tracking_number.replace("-", ""))
    assert "路灯不亮" in client.post(URL, {"tracking_number": spaced, "email": citizen.email}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["email", "number"])
def test_either_one_wrong_reveals_nothing_and_says_the_same(client, citizen, wrong):
    case = CaseFactory(citizen=citizen, title="路灯不亮")
    data = {"tracking_number": case.tracking_number, "email": citizen.email}
    if wrong == "email":
        data["email"] = "someone.else@example.org"
    else:
        data["tracking_number"] = CaseFactory().tracking_number
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "路灯不亮" not in content
    assert "No case matches that tracking number and contact." in content


@pytest.mark.django_db
def test_lookups_are_rate_limited_per_address(client, citizen):
    case = CaseFactory(citizen=citizen)
    for _ in range(20):
        client.post(URL, {"tracking_number": "123", "email": "x@example.org"})
    response = client.post(URL, {"tracking_number": case.tracking_number, "email": citizen.email},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many look-ups" in response.content.decode()
    assert case.title not in response.content.decode()
