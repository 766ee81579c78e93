"""Laws of Word's 字数 (checks/documents/wordcount.py) over any text, with Hypothesis.

Word counts a document as the sum of its paragraphs, so counting must add up over a separator;
each CJK character is one 字 on its own; a run of Latin letters is one word however long.
"""
from __future__ import annotations

import pytest
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


# Ambiguous-width marks (“ ” … —) count 1 when the nearest non-space character on either side is
# CJK, looking past other such marks and zero-width characters; beside Latin they join its word.
@pytest.mark.parametrize("text,words", [
    ("教学“abc", 4),            # left neighbour CJK: the mark is its own 字
    ("a“教", 3),                # left Latin, right CJK: still its own 字
    ("abc“def", 1),             # Latin both sides: part of the word
    ("教学……abc", 5),           # the second … looks left past the first one
    ("abc……教", 4),             # and right past it
    ("教\u200b“abc", 3),        # zero-width characters are looked through, to the left
    ("abc“\u200b教", 3),        # and to the right
    ("教 “abc", 2),             # a space ends the look: “abc is one word
    ("教 “…教", 4),             # a space on the left, CJK past the next mark on the right
], ids=["left-cjk", "left-latin-right-cjk", "latin-both", "run-of-marks-left", "run-of-marks-right",
        "zero-width-left", "zero-width-right", "space-stops",
        "space-left-cjk-right"])
def test_ambiguous_marks_follow_their_nearest_neighbour(text, words):
    assert word_count(text) == words
