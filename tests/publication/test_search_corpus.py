"""The public search against a corpus of cases and what people type to find
them (tests/publication/search_corpus.py): each query must show its case
on the first page, an exact title first."""

import pytest

from portal.pagination import PAGE_SIZE
from publication.selectors import PublicFilters, search_public_cases
from tests.publication.search_corpus import CASES, QUERIES, TITLE, score

pytestmark = pytest.mark.django_db


def test_public_search_finds_what_people_type(make_public):
    keys = {make_public(title, body, answer).pk: key for key, (title, body, answer) in CASES.items()}

    def first_page(query):
        return [keys[item.pk] for item in search_public_cases(PublicFilters(query=query))[:PAGE_SIZE]]

    result = score(first_page)
    titles = sum(1 for *_rest, how in QUERIES if how == TITLE)
    print(f"\npublic search: {result['on_first_page']}/{result['queries']} queries found their case on the first "
          f"page, {result['ranked_first']} ranked it first; exact titles first: "
          f"{titles - len(result['title_misses'])}/{titles}")
    assert len(CASES) >= 50 and len(QUERIES) >= 40
    assert not result["title_misses"], result["title_misses"]
    assert result["on_first_page"] >= 0.95 * result["queries"], result["misses"]
