"""The tokenizer and the highlighter, without a database."""

from publication.search import Highlighter, build_document, document_tokens, query_tokens, tsquery_literal


def test_chinese_runs_become_bigrams_and_single_characters():
    assert query_tokens("夜间施工") == ["夜间", "间施", "施工"]
    assert query_tokens("噪") == ["噪"]
    tokens = document_tokens("夜间施工噪音扰民")
    assert {"噪音", "施工", "噪", "音"} <= set(tokens)


def test_english_words_are_stemmed_and_stop_words_dropped():
    assert query_tokens("The noises at night") == query_tokens("noise night")
    assert "the" not in document_tokens("the construction")


def test_mixed_and_full_width_text_is_folded():
    assert query_tokens("ＮＯＩＳＥ 噪音") == query_tokens("noise 噪音")


def test_postgresql_document_weights_title_details_and_answer():
    document = build_document(title="It's noise", body="噪音", answer="Fixed", vendor="postgresql")
    assert document == "'nois':1A '噪':2B '音':3B '噪音':4B 'fix':5C"


def test_sqlite_document_puts_title_tokens_before_the_bar():
    assert build_document(title="噪音", body="noise", answer="", vendor="sqlite") == " 噪 音 噪音 | nois "


def test_tsquery_literal_quotes_each_lexeme():
    assert tsquery_literal(["a'b", "c\\d"], operator="|") == "'a''b' | 'c\\\\d'"


def test_highlight_escapes_html_and_marks_matches():
    marked = Highlighter.for_query("噪音 noise").mark("<b>夜间</b>施工噪音 & Noises")
    assert marked == "&lt;b&gt;夜间&lt;/b&gt;施工<mark>噪音</mark> &amp; <mark>Noises</mark>"


def test_excerpt_centres_on_the_first_match():
    text = "开头" * 100 + "噪音" + "结尾" * 100
    excerpt = Highlighter.for_query("噪音").excerpt(text, width=40)
    assert excerpt.startswith("…") and excerpt.endswith("…") and "<mark>噪音</mark>" in excerpt


def test_empty_query_marks_nothing():
    highlighter = Highlighter.for_query("  ")
    assert not highlighter and highlighter.mark("a <i>") == "a &lt;i&gt;"


def test_a_word_asks_for_its_adjective_or_noun_form_too():
    from publication.search import query_terms

    assert query_terms("noisy") == [("noisi", "nois")]
    assert query_terms("noise") == [("nois", "noisi")]
    assert query_terms("噪音 5") == [("噪音",), ("5",)]


def test_title_substrings_are_what_every_form_of_a_word_shares():
    from publication.search import title_substrings

    assert title_substrings("Noisy cities") == ["nois", "cit"]
    assert title_substrings("lights 工资拖欠") == ["light", "工资", "资拖", "拖欠"]
