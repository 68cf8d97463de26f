"""Render-only serializers (api.serializers.OutputSerializer) share their
declared plain fields by shallow copy: each rendering still has its own
fields, nested serializers and request."""

from types import SimpleNamespace

from django.test import RequestFactory, override_settings
from rest_framework import serializers

from api.serializers import AttachmentSerializer, OutputSerializer, RefSerializer


class Page(OutputSerializer):
    title = serializers.CharField()
    at = serializers.DateTimeField()
    category = RefSerializer()
    attachments = AttachmentSerializer(many=True)


def page(number):
    attachment = SimpleNamespace(pk=7, id=7, case_id=number, original_name=f"照片{number}.png",
                                 content_type="image/png", size=10)
    return {"title": f"案件 {number}", "at": None, "category": SimpleNamespace(id=number, display_name=f"类别{number}"),
            "attachments": [attachment]}


@override_settings(ALLOWED_HOSTS=["one.example", "two.example"])
def test_each_rendering_has_its_own_fields_and_request():
    one = RequestFactory(HTTP_HOST="one.example").get("/")
    two = RequestFactory(HTTP_HOST="two.example").get("/")
    first = Page(page(1), context={"request": one})
    second = Page(page(2), context={"request": two})
    first_data, second_data = first.data, second.data
    assert first_data["title"] == "案件 1" and second_data["title"] == "案件 2"
    assert first_data["category"] == {"id": 1, "name": "类别1"} and second_data["category"]["id"] == 2
    assert first_data["attachments"][0]["url"].startswith("http://one.example/")
    assert second_data["attachments"][0]["url"].startswith("http://two.example/")
    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first and second.fields["title"].parent is second
    assert first.fields["attachments"] is not second.fields["attachments"]
    # The declarations themselves are never bound to a rendering.
    declared = Page._declared_fields
    assert declared["title"].field_name is None and getattr(declared["title"], "parent", None) is None
    assert getattr(declared["attachments"].child, "_context", None) in (None, {})
