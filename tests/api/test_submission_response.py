"""The answer to a submission, built directly
(api.serializers.filed_case_representation), is what CaseDetailSerializer
gives for the same case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation

from api.selectors import case_detail_for
from api.serializers import CaseDetailSerializer, filed_case_representation
from petitions.models import Channel
from petitions.services import case_record_for_citizen, case_submit

pytestmark = pytest.mark.django_db

FIELDS = dict(kind="complaint", title="夜间施工噪音扰民", body="东华门附近工地每晚十一点后仍在施工。")


def both(user, case):
    request = RequestFactory().post("/api/v1/cases/")
    request.user = user
    detail = case_detail_for(user, case, just_filed=True)
    return filed_case_representation(detail, request), CaseDetailSerializer(detail, context={"request": request}).data


@pytest.mark.parametrize("language, zone", [("zh-hans", "Asia/Shanghai"), ("en", "UTC"), ("en", "America/New_York")])
@pytest.mark.parametrize("with_attachment", [False, True])
def test_a_citizens_new_case_is_answered_as_the_serializer_would(citizen, category, region, language, zone,
                                                                 with_attachment):
    attachment = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png") \
        if with_attachment else None
    with translation.override(language), timezone.override(zone):
        case, _created = case_submit(actor=citizen, contact_email=citizen.email, category=category, region=region,
                                     channel=Channel.API, address="东华门大街 1 号", wants_public=True,
                                     attachment=attachment, **FIELDS)
        direct, serialized = both(citizen, case)
    assert direct == serialized
    assert direct["viewer"] == {"is_owner": True, "is_follower": False, "is_staff": False}
    assert len(direct["attachments"]) == (1 if with_attachment else 0)
    assert direct["timeline"] and direct["submitted_at"] is not None


def test_what_staff_see_of_a_case_they_recorded_goes_through_the_serializer(operator, category, region):
    case, _created = case_record_for_citizen(actor=operator, channel=Channel.PHONE, contact_phone="12345678",
                                             contact_name="王先生", category=category, region=region, **FIELDS)
    direct, serialized = both(operator, case)
    assert direct == serialized and direct["staff"] is not None
