"""The inbox's search in titles against the search corpus
(tests/publication/search_corpus.py): every query whose case's title has
enough of it must show that case on the first page."""

import pytest

from portal.pagination import PAGE_SIZE
from responses.selectors import InboxFilters, inbox_for_user
from tests.factories import DispatchedCaseFactory
from tests.publication.search_corpus import CASES, DETAILS, QUERIES, TITLE, score

pytestmark = pytest.mark.django_db


def test_inbox_search_finds_what_officials_type(official, department):
    keys = {DispatchedCaseFactory(lead_department=department, title=title, body=body).pk: key
            for key, (title, body, _answer) in CASES.items()}
    queries = [query for query in QUERIES if query[2] != DETAILS]

    def first_page(query):
        return [keys[case.pk] for case in inbox_for_user(official, InboxFilters(query=query))[:PAGE_SIZE]]

    result = score(first_page, queries)
    titles = sum(1 for *_rest, how in queries if how == TITLE)
    print(f"\ninbox search: {result['on_first_page']}/{result['queries']} queries found their case on the first "
          f"page, {result['ranked_first']} ranked it first; exact titles first: "
          f"{titles - len(result['title_misses'])}/{titles}")
    assert not result["title_misses"], result["title_misses"]
    assert result["on_first_page"] >= 0.95 * result["queries"], result["misses"]
