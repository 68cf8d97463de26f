"""What the submission serializers accept, and how they refuse the rest."""

import uuid

import pytest

from api.serializers import CaseRecordSerializer, CaseSubmitSerializer
from petitions.models import Category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("serializer_class", [CaseSubmitSerializer, CaseRecordSerializer])
def test_a_valid_body_is_accepted_with_its_defaults(serializer_class, category, region):
    body = {"kind": "complaint", "category": category.pk, "region": str(region.pk), "title": "  夜间施工噪音  ",
            "body": "凌晨两点仍在施工，噪音很大，影响休息。", "wants_public": True,
            "submission_key": str(uuid.uuid4()), "channel": "phone", "contact_name": "王女士",
            "contact_email": "wang@example.org"}
    serializer = serializer_class(data=body)
    assert serializer.is_valid(), serializer.errors
    data = serializer.validated_data
    assert data["title"] == "夜间施工噪音" and isinstance(data["category"], Category) and data["region"] == region
    assert isinstance(data["submission_key"], uuid.UUID) and data["urgency"] == "normal"


def test_an_invalid_body_gets_every_error_at_once(category, region):
    serializer = CaseSubmitSerializer(data={"kind": "nonsense", "category": category.pk, "region": region.pk,
                                            "title": "短", "body": "x"})
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"kind", "title", "body"}


def test_a_recorded_case_without_an_email_or_phone_is_refused(category, region):
    body = {"kind": "complaint", "category": category.pk, "region": region.pk, "title": "夜间施工噪音",
            "body": "凌晨两点仍在施工，噪音很大。", "channel": "phone", "contact_name": "王女士"}
    serializer = CaseRecordSerializer(data=body)
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"contact_phone"}
    assert CaseRecordSerializer(data={**body, "contact_email": ""}).is_valid() is False
    assert CaseRecordSerializer(data={**body, "contact_phone": "12345678"}).is_valid() is True
