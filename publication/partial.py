"""The best partial matches for a search no case matches in full, ranked by
how many of its terms each case has and how rare they are (and where, for
a matcher that tells the title from the rest). Used by the public search
and the officials' inbox, each with its own `Matcher`."""

import math
from itertools import combinations
from typing import Protocol

from django.db.models import FloatField, Q, Subquery, Value

from publication.search import Term

# Every step below is a bounded query the search index serves:
# - how common each term is, counted up to DF_LIMIT matches;
# - the candidates: cases with at least k of the (at most MAX_TERMS rarest)
#   terms found, k lowered from all of them until POOL_MIN cases have that
#   many (an "at least k of n" condition is one index search);
# - at most POOL_LIMIT of them are scored and sorted, so a fallback to a
#   single common word never ranks a whole table.
DF_LIMIT = 1000
MAX_TERMS = 6
POOL_MIN = 25
POOL_LIMIT = 500


class Matcher(Protocol):
    def term(self, term: Term) -> Q: ...

    def all_of_any(self, groups: list[list[Term]]) -> Q:
        """Cases that have every term of at least one of the groups."""

    def score(self, term: Term, weight: float): ...


def term_weights(cases, terms: list[Term], matcher: Matcher) -> dict[Term, float]:
    """The terms some case has, the rarest first (at most MAX_TERMS), with
    their weights: 1 for a term in DF_LIMIT cases or more, up to
    1 + log10(DF_LIMIT) for a term only one case has."""
    counted = []
    for position, term in enumerate(terms):
        found = cases.filter(matcher.term(term)).order_by().values("pk")[:DF_LIMIT].count()
        if found:
            counted.append((found, position, term))
    return {term: 1 + math.log10(DF_LIMIT / found) for found, _position, term in sorted(counted)[:MAX_TERMS]}


def partial_matches(cases, terms: list[Term], matcher: Matcher):
    """`cases` narrowed to the best partial matches of `terms`, annotated
    with `score`; None when no case has any of them."""
    weights = term_weights(cases, terms, matcher)
    if not weights:
        return None
    found = list(weights)
    for needed in range(len(found), 0, -1):
        pool = cases.filter(matcher.all_of_any([list(group) for group in combinations(found, needed)]))
        if needed == 1 or pool.order_by().values("pk")[:POOL_MIN].count() >= POOL_MIN:
            break
    score = Value(0.0, output_field=FloatField())
    for term, weight in weights.items():
        score = score + matcher.score(term, weight)
    return cases.filter(pk__in=Subquery(pool.order_by().values("pk")[:POOL_LIMIT])).annotate(score=score)
