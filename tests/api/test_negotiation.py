"""The API's content negotiation answers as DRF's, and remembers it."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api import negotiation
from api.negotiation import RememberedContentNegotiation

HEADERS = [None, "*/*", "application/json", "application/json; indent=4", "text/html", "text/html,*/*;q=0.8",
           "application/*", "text/*;q=0.5, application/json;q=0.9"]


def request_with(accept, query=""):
    extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
    return Request(APIRequestFactory().get("/api/v1/cases/" + query, **extra))


@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
@pytest.mark.parametrize("accept", HEADERS)
def test_the_renderer_and_media_type_are_drfs_the_first_time_and_after(accept, query, monkeypatch):
    monkeypatch.setattr(negotiation, "_chosen", {})
    def choose(negotiator):
        renderers = [JSONRenderer(), BrowsableAPIRenderer()]
        try:
            renderer, media_type = negotiator.select_renderer(request_with(accept, query), renderers)
        except NotAcceptable:
            return "not acceptable"
        return renderers.index(renderer), media_type

    expected = choose(DefaultContentNegotiation())
    for _time in range(2):  # worked out, then remembered
        assert choose(RememberedContentNegotiation()) == expected
    assert len(negotiation._chosen) == (0 if expected == "not acceptable" else 1)


def test_an_unacceptable_header_is_refused_every_time(monkeypatch):
    monkeypatch.setattr(negotiation, "_chosen", {})
    for _time in range(2):
        with pytest.raises(NotAcceptable):
            RememberedContentNegotiation().select_renderer(request_with("image/png"), [JSONRenderer()])
    assert negotiation._chosen == {}


def test_only_so_many_headers_are_remembered(monkeypatch):
    monkeypatch.setattr(negotiation, "_chosen", {})
    monkeypatch.setattr(negotiation, "REMEMBERED", 3)
    for number in range(5):
        RememberedContentNegotiation().select_renderer(request_with(f"application/json; v={number}"),
                                                       [JSONRenderer()])
    assert len(negotiation._chosen) == 3
