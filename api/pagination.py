"""One paginator for every API list: numbered pages as on the site
(portal.pagination), with a page size the caller may lower or raise to 100."""

from rest_framework.pagination import PageNumberPagination

from portal.pagination import PAGE_SIZE


class ApiPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100
