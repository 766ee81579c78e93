"""Word's 字数, checked against strings counted by hand the way Word's status bar counts them."""
import pytest

from checks.documents.wordcount import char_count, word_count


@pytest.mark.parametrize("text, expected", [
    ("", 0),
    ("   \n\t", 0),
    ("中文", 2),
    ("Hello world", 2),
    ("Word2016", 1),                                   # letters and digits in one run: one word
    ("中文Word", 3),                                   # 中 文 + Word
    ("我用 Microsoft Word 写报告。", 8),              # 我 用 Microsoft Word 写 报 告 。
    ("基本情况：本校共有 1,200 名学生（含 30 个班）。", 20),
    ("e-mail: test@example.com", 2),                  # half-width punctuation joins its run
    ("一\u3000二", 2),                                 # full-width space separates, counts nothing
    ("ＡＢＣ", 3),                                     # full-width letters count one each
    ("“你好”", 4),                                     # Chinese quotes beside CJK count one each
    ("“hello”", 1),                                    # the same quotes around Latin join the word
    ("教学——实践", 6),                                 # each dash of a Chinese 破折号 counts one
    ("1.基本情况", 5),
    ("a\tb\nc", 3),
    ("a\u200bb", 1),                                   # zero-width space is not a separator
    ("中文,English", 3),                              # half-width comma starts the Latin run
])
def test_word_count_matches_hand_count(text, expected):
    assert word_count(text) == expected


def test_char_count_is_non_space_characters():
    assert char_count("我用 Microsoft Word。") == 16
    assert char_count(" \u3000\n") == 0
