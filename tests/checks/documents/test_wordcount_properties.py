"""Laws of Word's 字数 (checks/documents/wordcount.py) over any text, with Hypothesis.

Word counts a document as the sum of its paragraphs, so counting must add up over a separator;
each CJK character is one 字 on its own; a run of Latin letters is one word however long.
"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from checks.documents.wordcount import char_count, word_count

# What reports are made of: CJK text, full-width and ambiguous punctuation, Latin words, digits,
# zero-width characters Word ignores, and every kind of space.
PIECES = st.sampled_from(list("教学实施报告中文") + list("，。：；！？（）《》") + list("“”‘’—…·")
                         + list("abcXYZ019-_.@") + ["\u200b", "\ufeff", "\u00ad"] + [" ", "\t", "\u3000"])
TEXT = st.lists(PIECES, max_size=60).map("".join)
SEPARATOR = st.sampled_from([" ", "\n", "\t", "\u3000", "\r\n", "  "])


@given(TEXT, SEPARATOR, TEXT)
def test_counts_add_up_over_a_separator(a, sep, b):
    assert word_count(a + sep + b) == word_count(a) + word_count(b)


@given(st.lists(TEXT, max_size=8))
def test_paragraphs_add_up(paragraphs):
    assert word_count("\n".join(paragraphs)) == sum(word_count(p) for p in paragraphs)


@given(st.text(alphabet="教学实施报告的一二三四五", max_size=200))
def test_each_cjk_character_is_one(text):
    assert word_count(text) == len(text)


@given(st.text(alphabet="abcdefghijXYZ0123456789", min_size=1, max_size=50))
def test_a_latin_run_is_one_word(run):
    assert word_count(run) == 1
    assert word_count("教" + run + "学") == 3


@given(TEXT)
def test_never_more_words_than_visible_characters(text):
    assert 0 <= word_count(text) <= char_count(text)


@given(TEXT)
def test_surrounding_spaces_change_nothing(text):
    assert word_count("  " + text + "\n\u3000") == word_count(text)
