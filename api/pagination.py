"""Paginators of the API lists: numbered pages as on the site
(portal.pagination), with a page size the caller may lower or raise to 100.
Lists too long to count on every request (the inbox) count up to a limit
and say whether the count is exact."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from portal.pagination import COUNT_LIMIT, PAGE_SIZE, paginate_bounded


class ApiPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


class BoundedApiPagination(ApiPagination):
    """The same pages, links and 404 past the end, with `count` counted up
    to COUNT_LIMIT: past it, `count_is_exact` is false and `next` leads on
    until the list ends. Two queries whatever the list's length."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            asked = int(request.query_params.get(self.page_query_param) or 1)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        if asked < 1:
            raise NotFound(self.invalid_page_message)
        self.page = paginate_bounded(queryset, asked, per_page=self.get_page_size(request))
        if self.page.number != asked or (not self.page and asked > 1):
            raise NotFound(self.invalid_page_message)  # past the end, as PageNumberPagination says
        return list(self.page)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.count,
            "count_is_exact": self.page.count_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_is_exact", "results"]
        response["properties"]["count"] = {
            "type": "integer", "example": 123,
            "description": f"How many items the list has, counted up to {COUNT_LIMIT:,}; see count_is_exact."}
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_is_exact": {
                "type": "boolean", "example": True,
                "description": f"False when the list has more than {COUNT_LIMIT:,} items: count stops there, "
                               "and next leads on page by page until the list ends."},
            **{name: value for name, value in response["properties"].items() if name != "count"},
        }
        return response
