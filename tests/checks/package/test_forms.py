"""What a teacher types into the registration form: title, 300-字 fields, number of authors."""
from checks.package.forms import check_authors, check_form_fields, check_title, count_chars


def test_a_title_without_book_marks_passes():
    assert check_title("智慧课堂中的分数初步认识") == []


def test_book_marks_and_their_look_alikes_fail_with_the_fixed_title():
    for title in ("《分数的初步认识》", "〈分数〉教学", "<分数>教学", "＜分数＞教学"):
        [f] = check_title(title)
        assert f.rule == "title.book_marks" and f.level == "error"
    [f] = check_title("《分数的初步认识》")
    assert f.fix == "改为：分数的初步认识"


def test_a_field_of_300_zi_passes_and_301_fails():
    assert check_form_fields({"作品特点": "字" * 300}) == []
    [f] = check_form_fields({"作品特点": "字" * 301})
    assert (f.rule, f.expected, f.actual) == ("form.field_length", "≤ 300 字", "301 字")


def test_fields_count_like_word_a_latin_word_is_one():
    assert count_chars("使用 PowerPoint 2019 制作") == 6      # 使用 制作 = 4, PowerPoint = 1, 2019 = 1


def test_author_limits_depend_on_the_project():
    assert check_authors("fusion_case", 3) == []
    [f] = check_authors("fusion_case", 4)
    assert (f.rule, f.expected, f.actual) == ("form.authors", "≤ 3 人", "4 人")
    assert check_authors("digital_textbook", 5) == []
    assert check_authors("digital_textbook", 6)[0].rule == "form.authors"
