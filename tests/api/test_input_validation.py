"""api.serializers.InputSerializer validates a plain JSON body with the
fields declared on its class (no per-request copies): whatever it accepts,
DRF's own loop accepts with the same validated data, and anything else goes
through DRF's loop, which words the errors."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from api.serializers import CaseRecordSerializer, CaseSubmitSerializer, InputSerializer, _fast_plan
from petitions.models import Category

pytestmark = pytest.mark.django_db

SERIALIZERS = [CaseSubmitSerializer, CaseRecordSerializer]


def drf_loop(serializer_class, data):
    """DRF's own to_internal_value: ("ok", data) or ("error", detail)."""
    serializer = serializer_class(data=data)
    try:
        return "ok", serializers.Serializer.to_internal_value(serializer, data)
    except serializers.ValidationError as error:
        return "error", error.detail


def fast_path(serializer_class, data):
    serializer = serializer_class(data=data)
    return serializer._validated_fast(data, _fast_plan(serializer_class))


ODD_TEXTS = ["", "   ", " 夜间施工噪音扰民 ", "a\x00b", "x" * 121, "凌晨两点仍在施工，噪音很大。"]


def texts():
    return st.one_of(
        st.text(max_size=12), st.text(min_size=4, max_size=40), st.sampled_from(ODD_TEXTS),
        st.integers(-5, 5), st.floats(allow_nan=False, width=16), st.booleans(), st.none(),
        st.lists(st.integers(), max_size=2))


def bodies(category_id, region_id):
    values = {
        "kind": st.one_of(st.sampled_from(["complaint", "suggestion", "petition", "question", "nonsense", ""]),
                          texts()),
        "category": st.one_of(st.sampled_from([category_id, str(category_id), 99999, -1]), texts()),
        "region": st.one_of(st.sampled_from([region_id, str(region_id), 99999]), texts()),
        "urgency": st.one_of(st.sampled_from(["normal", "urgent", "emergency", "soon"]), texts()),
        "title": texts(), "body": texts(), "address": texts(), "contact_name": texts(), "contact_phone": texts(),
        "wants_public": st.one_of(st.booleans(), st.sampled_from(["true", "no", 1, 0, None])),
        "submission_key": st.one_of(st.uuids().map(str), st.sampled_from([None, "", "not-a-uuid", 7])),
        "attachment": st.sampled_from([None, "", "file.pdf"]),
        "channel": st.one_of(st.sampled_from(["phone", "walk_in", "web"]), texts()),
        "contact_email": st.one_of(st.emails(), texts()),
        "unexpected": texts(),
    }
    return st.fixed_dictionaries({}, optional=values)


@pytest.fixture
def references(category, region):
    return category.pk, region.pk


@pytest.mark.parametrize("serializer_class", SERIALIZERS)
def test_a_valid_body_takes_the_fast_path_with_drfs_result(serializer_class, references):
    category_id, region_id = references
    body = {"kind": "complaint", "category": category_id, "region": str(region_id), "title": "  夜间施工噪音  ",
            "body": "凌晨两点仍在施工，噪音很大，影响休息。", "wants_public": True,
            "submission_key": str(uuid.uuid4()), "channel": "phone", "contact_name": "王女士",
            "contact_email": "wang@example.org"}
    fast = fast_path(serializer_class, body)
    assert fast is not None and ("ok", fast) == drf_loop(serializer_class, body)
    assert fast["title"] == "夜间施工噪音" and isinstance(fast["category"], Category)
    assert isinstance(fast["submission_key"], uuid.UUID) and fast["urgency"] == "normal"


@pytest.mark.parametrize("serializer_class", SERIALIZERS)
def test_whatever_the_fast_path_accepts_drf_accepts_alike(serializer_class, references):
    category_id, region_id = references

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(bodies(category_id, region_id))
    def check(body):
        fast = fast_path(serializer_class, body)
        outcome, drf = drf_loop(serializer_class, body)
        if fast is not None:
            assert outcome == "ok" and drf == fast
        else:
            assert outcome == "error"  # the fast path gives up only where DRF finds an error

    check()


def test_an_invalid_body_gets_every_error_from_drf(references):
    category_id, region_id = references
    serializer = CaseSubmitSerializer(data={"kind": "nonsense", "category": category_id, "region": region_id,
                                            "title": "短", "body": "x"})
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"kind", "title", "body"}


def test_a_form_body_and_unknown_fields_go_through_drfs_loop(references, monkeypatch):
    from django.http import QueryDict

    class WithHidden(InputSerializer):
        user = serializers.HiddenField(default=serializers.CurrentUserDefault())
        title = serializers.CharField()

    assert _fast_plan(WithHidden) is None  # reads its context
    assert _fast_plan(CaseSubmitSerializer) is not None
    used = []
    monkeypatch.setattr(InputSerializer, "_validated_fast", lambda self, data, plan: used.append(data))
    form = QueryDict("kind=complaint&title=夜间施工噪音")
    CaseSubmitSerializer(data=form).is_valid()
    assert used == []  # a form's QueryDict: DRF's loop
