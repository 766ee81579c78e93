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


@pytest.mark.parametrize("name,school,authors", [
    ("小学XX市第一实验小学", "XX市第一实验小学", []),
    ("小学+XX市第一实验小学", "XX市第一实验小学", []),
    ("小学XX小学王一中", "XX小学", ["王一中"]),          # a name that ends like a school, after a school
], ids=["school-only", "school-only-plus", "teacher-named-like-a-suffix"])
def test_a_name_that_ends_in_a_school_suffix_is_a_school_without_a_teacher(name, school, authors):
    got = parse_level1(name, RULES["stages"], RULES.get("stage_aliases"))
    assert (got.school, got.authors) == (school, authors)


def test_the_longest_stage_written_wins_over_its_short_form():
    """学前教育 also starts with 学前: the whole 学段 is taken, so 教育 does not stick to the school."""
    assert parse("学前教育阳光幼儿园王芳") == ("学前教育", "阳光幼儿园", ["王芳"])
    assert parse("学前教育+阳光幼儿园+王芳") == ("学前教育", "阳光幼儿园", ["王芳"])


def test_the_stage_is_kept_as_written_beside_its_canonical_name():
    short = parse_level1("学前+阳光幼儿园+王芳", RULES["stages"], RULES["stage_aliases"])
    assert (short.stage, short.stage_written) == ("学前教育", "学前")
    full = parse_level1("初中+XX市第二中学+张三", RULES["stages"], RULES["stage_aliases"])
    assert (full.stage, full.stage_written) == ("初中", "初中")
    none = parse_level1("第一实验小学张三", RULES["stages"], RULES["stage_aliases"])
    assert (none.stage, none.stage_written, none.school, none.authors) == (None, None, "", [])


@pytest.mark.parametrize("name", ["小学+第一 实验小学+张三", "小学＋第一　实验小学＋张三"])
def test_spaces_inside_the_school_name_are_dropped(name):
    """The school is compared by recusal and the export: '第一 实验小学' is the same school."""
    assert parse(name) == ("小学", "第一实验小学", ["张三"])


def test_without_a_school_suffix_everything_after_the_stage_is_names():
    assert parse("小学张三") == ("小学", "", ["张三"])
    assert parse("小学张三、李四") == ("小学", "", ["张三", "李四"])


def test_a_teacher_name_ending_like_a_school_suffix_stays_a_name():
    """王一中 ends in 一中 (a school suffix), but a suffix at the very end is never where the school ends."""
    assert parse("小学第一实验小学王一中") == ("小学", "第一实验小学", ["王一中"])


@pytest.mark.parametrize("name, school", [
    ("小学第一实验小学", "第一实验小学"), ("初中XX市第二中学", "XX市第二中学"), ("初中+XX市第一中学", "XX市第一中学"),
    ("初中XX大学附中", "XX大学附中"), ("初中XX市第一中学分校", "XX市第一中学分校")])
def test_a_school_with_no_teacher_after_it_is_a_school_not_a_name(name, school):
    """第二中学 holds 二中 before 中学, 大学附中 is 大学 then 附中: the school still ends at the last
    suffix, leaving no '学' or '附中' as a teacher."""
    assert parse(name) == (name[:2], school, [])


def test_a_missing_teacher_after_a_school_with_an_inner_suffix_is_a_naming_error():
    lay = analyse_layout(["初中XX市第二中学/融合创新应用教学案例/t/a.docx"], RULES, None, "folder", "x", None)
    assert (lay.school, lay.authors) == ("XX市第二中学", [])
    assert [(f.rule, f.level, f.message, f.expected, f.actual) for f in lay.findings if f.rule == "package.naming"] == [
        ("package.naming", "error", "一级文件夹名在学段之后应有学校名称和教师姓名。",
         "初中+学校+教师姓名，如“小学+XX市第一实验小学+张三”", "初中XX市第二中学")]
