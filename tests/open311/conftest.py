"""Fixtures for the Open311 tests: a client application's key, a service
with a question of each kind, and cases published by a moderator."""

import pytest

from open311.keys import api_key_create
from open311.models import AttributeValue, Datatype, Service, ServiceAttribute
from publication.services import publication_approve
from tests.factories import CategoryFactory, UserFactory


@pytest.fixture
def system_account(db):
    return UserFactory(email="open311-app@example.org")


@pytest.fixture
def api_key(system_account, region):
    key, raw = api_key_create(name="Street app", user=system_account, region=region)
    key.raw = raw
    return key


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.org", roles=["moderator"])


@pytest.fixture
def group(db):
    return CategoryFactory(code="city-appearance", name="市容环境", name_en="City appearance")


@pytest.fixture
def pothole(group):
    """A service with a required single-value list, an optional multi-value
    list, a number and an informational attribute."""
    category = CategoryFactory(code="pothole", name="道路坑洼", name_en="Pothole", parent=group)
    service = Service.objects.create(
        category=category, description="Holes in the road or pavement.", keywords="road, hole, 坑",
        service_notice="The road authority inspects within two working days.",
    )
    size = ServiceAttribute.objects.create(
        service=service, code="SIZE", datatype=Datatype.SINGLEVALUELIST, required=True, order=1,
        description="How big is the hole?", datatype_description="Choose one",
    )
    AttributeValue.objects.create(attribute=size, key="S", name="Smaller than a hand", order=1)
    AttributeValue.objects.create(attribute=size, key="L", name="Larger than a wheel", order=2)
    hazards = ServiceAttribute.objects.create(
        service=service, code="HAZARDS", datatype=Datatype.MULTIVALUELIST, order=2, description="What else?",
    )
    AttributeValue.objects.create(attribute=hazards, key="WATER", name="Filled with water", order=1)
    AttributeValue.objects.create(attribute=hazards, key="TRAFFIC", name="In a busy lane", order=2)
    ServiceAttribute.objects.create(service=service, code="DEPTH", datatype=Datatype.NUMBER, order=3,
                                    description="Depth in centimetres")
    ServiceAttribute.objects.create(service=service, code="NOTE", variable=False, order=4,
                                    description="Do not stand in the road to measure it.")
    return category


def publish(case, moderator):
    case.wants_public = True
    case.save(update_fields=["wants_public"])
    publication_approve(actor=moderator, case_id=case.pk, title=case.title, body=case.body)
    case.refresh_from_db()
    return case
