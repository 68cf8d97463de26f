"""Full-text search over public cases, for Chinese and English alike, with
tokens made here (PostgreSQL has no Chinese parser): CJK runs become
bigrams and single characters, other words NFKC-folded Snowball stems.
PostgreSQL matches them as a weighted tsvector through a GIN index; the
embedded SQLite default stores the same tokens as text matched with LIKE."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.db import models
from django.db.models import Func, Lookup, Value
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
# PostgreSQL keeps at most 256 positions per lexeme and positions up to 16383.
MAX_POSITIONS = 255
MAX_POSITION = 16383
# Enough for a long title and the start of the details; more only slows the
# "similar cases" query without making it better.
MAX_SIMILAR_TOKENS = 40

# PostgreSQL's english.stop list.
ENGLISH_STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while of at by for with
about against between into through during before after above below to from up down in out on off over under again
further then once here there when where why how all any both each few more most other some such no nor not only
own same so than too very s t can will just don should now
""".split())


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def document_tokens(text: str) -> list[str]:
    """Every token of a text in order: bigrams and single characters of CJK
    runs, stems of other words."""
    tokens: list[str] = []
    for cjk, word in TOKEN_RE.findall(fold(text)):
        if cjk:
            tokens.extend(cjk)
            tokens.extend(cjk[i:i + 2] for i in range(len(cjk) - 1))
        elif word not in ENGLISH_STOP_WORDS:
            tokens.append(_stem(word))
    return tokens


def query_tokens(text: str) -> list[str]:
    """The tokens a query asks for, each once, in order: all must match."""
    tokens: list[str] = []
    for cjk, word in TOKEN_RE.findall(fold(text)):
        if cjk:
            tokens.extend([cjk] if len(cjk) == 1 else [cjk[i:i + 2] for i in range(len(cjk) - 1)])
        elif word not in ENGLISH_STOP_WORDS:
            tokens.append(_stem(word))
    return list(dict.fromkeys(tokens))


# A query term is one or more lexemes, any of which counts as the term.
Term = tuple[str, ...]


def _word_forms(stem: str) -> Term:
    """Snowball keeps an adjective apart from its noun ("noisy" is "noisi",
    "noise" is "nois"; "dirty", "dirt"): a query word asks for both."""
    if not (stem.isascii() and stem.isalpha()) or len(stem) < 3:
        return (stem,)
    if stem.endswith("i") and len(stem) > 3:
        return (stem, stem[:-1])
    return (stem, stem + "i")


def query_terms(text: str) -> list[Term]:
    """The terms of a search, each once, in order: a CJK token, or a word's
    stem with its other form."""
    return list(dict.fromkeys(_word_forms(token) if token.isascii() else (token,) for token in query_tokens(text)))


def title_substrings(text: str) -> list[str]:
    """What a search looks for inside titles, as substrings: CJK tokens as
    they are, and for a word the part its forms share ("nois" for "noisy",
    "cit" for "cities"), so that a plain LIKE finds every form."""
    found: list[str] = []
    for cjk, word in TOKEN_RE.findall(fold(text)):
        if cjk:
            found.extend([cjk] if len(cjk) == 1 else [cjk[i:i + 2] for i in range(len(cjk) - 1)])
        elif word not in ENGLISH_STOP_WORDS:
            stem = _stem(word)
            common = 0
            while common < min(len(stem), len(word)) and stem[common] == word[common]:
                common += 1
            part = word[:max(common, 1)]
            if part.endswith("i") and len(part) > 3:
                part = part[:-1]
            found.append(part)
    return list(dict.fromkeys(found))


def similarity_tokens(text: str) -> list[str]:
    """The tokens of a draft case to look for in public ones (any may match)."""
    return query_tokens(text)[:MAX_SIMILAR_TOKENS]


# --- the stored document -------------------------------------------------------


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def build_document(*, title: str, body: str, answer: str, vendor: str) -> str:
    parts = [(document_tokens(title), "A"), (document_tokens(body), "B"), (document_tokens(answer), "C")]
    if vendor != "postgresql":
        title_tokens = " ".join(parts[0][0])
        rest = " ".join(parts[1][0] + parts[2][0])
        return f" {title_tokens} | {rest} "
    positions: dict[str, list[str]] = {}
    position = 0
    for tokens, weight in parts:
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entries = positions.setdefault(token, [])
            if len(entries) < MAX_POSITIONS:
                entries.append(f"{position}{weight}")
    return " ".join(f"{_quote(lexeme)}:{','.join(entries)}" for lexeme, entries in positions.items())


def tsquery_literal(tokens: list[str], *, operator: str = "&") -> str:
    return f" {operator} ".join(_quote(token) for token in tokens)


class SearchDocumentField(models.TextField):
    """tsvector on PostgreSQL, text elsewhere; written only by
    `document_expression`, never read back by the pages."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class TsQueryField(models.TextField):
    def db_type(self, connection):
        return "tsquery" if connection.vendor == "postgresql" else "text"


def document_expression(*, title: str, body: str, answer: str, vendor: str):
    return Cast(Value(build_document(title=title, body=body, answer=answer, vendor=vendor)), SearchDocumentField())


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """document @@ query on PostgreSQL (the GIN index serves it)."""

    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ CAST({rhs} AS tsquery)", [*lhs_params, *rhs_params]


class TsRank(Func):
    function = "ts_rank"
    output_field = models.FloatField()

    def __init__(self, document, query: str):
        super().__init__(document, Cast(Value(query), TsQueryField()))


# --- highlighting -----------------------------------------------------------------


@dataclass(frozen=True)
class Highlighter:
    """Marks what a query matched in a text, HTML-escaped, with <mark>."""

    cjk_terms: tuple[str, ...]
    stems: frozenset[str]

    @classmethod
    def for_query(cls, query: str) -> "Highlighter":
        cjk_terms, stems = [], set()
        for cjk, word in TOKEN_RE.findall(fold(query)):
            if cjk:
                cjk_terms.extend([cjk] if len(cjk) == 1 else [cjk[i:i + 2] for i in range(len(cjk) - 1)])
            elif word not in ENGLISH_STOP_WORDS:
                stems.update(_word_forms(_stem(word)))
        return cls(tuple(dict.fromkeys(cjk_terms)), frozenset(stems))

    def __bool__(self) -> bool:
        return bool(self.cjk_terms or self.stems)

    def spans(self, text: str) -> list[tuple[int, int]]:
        # NFKC may change lengths (full-width forms do not, ligatures do);
        # match on a lower-cased copy of the same length instead.
        folded = text.lower() if len(text.lower()) == len(text) else text
        found = []
        for term in self.cjk_terms:
            start = folded.find(term)
            while start != -1:
                found.append((start, start + len(term)))
                start = folded.find(term, start + 1)
        if self.stems:
            for match in TOKEN_RE.finditer(folded):
                word = match.group(2)
                if word and fold(word) not in ENGLISH_STOP_WORDS and _stem(fold(word)) in self.stems:
                    found.append(match.span())
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def mark(self, text: str) -> SafeString:
        return self._render(text, self.spans(text))

    def excerpt(self, text: str, *, width: int = 160) -> SafeString:
        """A window of the text around its first match (or its start)."""
        spans = self.spans(text)
        start = max(0, spans[0][0] - width // 3) if spans else 0
        end = min(len(text), start + width)
        window = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
        html = self._render(text[start:end], window)
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        return mark_safe(prefix + html + suffix)

    @staticmethod
    def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
        out, last = [], 0
        for start, end in spans:
            out.append(escape(text[last:start]))
            out.append(f"<mark>{escape(text[start:end])}</mark>")
            last = end
        out.append(escape(text[last:]))
        return mark_safe("".join(out))
