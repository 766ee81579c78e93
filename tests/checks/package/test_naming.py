"""The level-1 folder name 学段+学校+教师姓名 read with any separator teachers use."""
import pytest

from checks.package.layout import analyse_layout
from checks.package.naming import parse_level1
from checks.rules import load_rules

RULES = load_rules()


def parse(name):
    p = parse_level1(name, RULES["stages"], RULES["stage_aliases"])
    return p.stage, p.school, p.authors


@pytest.mark.parametrize("name", [
    "小学+第一实验小学+张三", "小学＋第一实验小学＋张三", "小学 + 第一实验小学 + 张三", "小学 ＋ 第一实验小学＋ 张三",
    "小学第一实验小学张三", "小学+第一实验小学张三", "小学 第一实验小学 张三"])
def test_school_and_author_come_out_clean_whatever_the_separator(name):
    assert parse(name) == ("小学", "第一实验小学", ["张三"])


def test_two_authors_are_two_authors():
    assert parse("初中+XX市第二中学+张三、李四") == ("初中", "XX市第二中学", ["张三", "李四"])
    assert parse("初中XX市第二中学张三，李四") == ("初中", "XX市第二中学", ["张三", "李四"])
    assert parse("高中+XX中学+张三+李四") == ("高中", "XX中学", ["张三", "李四"])


def test_short_stage_names_stand_for_the_full_stage():
    assert parse("学前+阳光幼儿园+王芳") == ("学前教育", "阳光幼儿园", ["王芳"])
    assert parse("中职+XX市职业教育中心+赵六") == ("中等职业教育", "XX市职业教育中心", ["赵六"])
    assert parse("学前教育阳光幼儿园王芳")[0] == "学前教育"


def test_a_name_without_a_stage_has_none():
    assert parse("第一实验小学张三")[0] is None


def test_the_layout_reports_clean_school_and_authors_and_no_naming_error():
    lay = analyse_layout(["学前+阳光幼儿园+王芳、李丽/精品课后服务资源/儿歌/a.docx"], RULES, None, "folder",
                         "x", None)
    assert (lay.stage, lay.school, lay.authors) == ("学前教育", "阳光幼儿园", ["王芳", "李丽"])
    assert [f for f in lay.findings if f.rule == "package.naming"] == []
    assert lay.to_dict()["school"] == "阳光幼儿园"


def test_a_stage_not_open_to_the_project_is_still_a_warning_with_short_forms():
    lay = analyse_layout(["中职+XX职校+张三/精品课后服务资源/t/a.docx"], RULES, None, "folder", "x", None)
    assert [(f.rule, f.level) for f in lay.findings if f.rule == "package.naming"] == [("package.naming", "warning")]
