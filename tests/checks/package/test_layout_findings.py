"""What a teacher reads for each way a package's folders go wrong: every layout finding written out
in full (rule, level, message, where, expected, found, how to fix), because that text is the verdict."""
from __future__ import annotations

import pytest

from checks.package.layout import analyse_layout
from checks.rules import load_rules

RULES = load_rules()
L1 = "小学XX市第一实验小学张三"
FUSION = "融合创新应用教学案例"
ALL_FOLDERS = "精品课后服务资源、融合创新应用教学案例、信息化教学课程案例、教师研修案例"
FOLDER_INFO_FIX = "右键一级文件夹 → 添加到“{}”。"


def layout(paths, project=None, origin="folder", name=None, kind=None):
    return analyse_layout(paths, RULES, project, origin, name, kind)


def found(lay, *rules):
    """(rule, level, message, path, expected, actual, fix) of each finding, in report order."""
    return [(f.rule, f.level, f.message, f.path, f.expected, f.actual, f.fix)
            for f in lay.findings if not rules or f.rule in rules]


def folder_info(level1):
    return ("package.archive", "info", "文件夹检查完毕；提交前还需把一级文件夹压缩为同名 RAR 文件。", level1,
            f"{level1}.rar", None, FOLDER_INFO_FIX.format(f"{level1}.rar"))


# --- a well-formed package ---------------------------------------------------------------------------

def test_a_well_formed_folder_fills_every_field_and_only_reminds_to_compress():
    paths = [f"{L1}/{FUSION}/分数的认识/案例介绍.docx", f"{L1}/{FUSION}/分数的认识/资源/课件.pptx"]
    lay = layout(paths, project="fusion_case")
    assert found(lay) == [folder_info(L1)]
    assert lay.inner == {paths[0]: "案例介绍.docx", paths[1]: "资源/课件.pptx"}
    assert lay.to_dict() == {"level1": L1, "level2": FUSION, "level3": "分数的认识", "title": "分数的认识",
                             "stage": "小学", "school_and_name": "XX市第一实验小学张三",
                             "school": "XX市第一实验小学", "authors": ["张三"]}
    assert lay.project == "fusion_case"


def test_a_rar_named_like_its_level1_folder_has_no_archive_finding():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name=f"{L1}.rar", kind="rar")
    assert found(lay) == []


def test_to_dict_hands_out_a_copy_of_the_authors():
    lay = layout([f"小学+实验小学+张三、李四/{FUSION}/题目/a.docx"])
    d = lay.to_dict()
    d["authors"].append("王五")
    assert lay.authors == ["张三", "李四"]


# --- no project folder anywhere ----------------------------------------------------------------------

def test_loose_files_in_an_archive_say_there_is_no_level2_folder():
    lay = layout(["a.docx", "b.mp4"], origin="archive", name="作品.zip", kind="zip")
    assert found(lay) == [(
        "package.layout", "error", "没有找到二级文件夹（参赛项目名称）。", "作品.zip",
        "一级文件夹/参赛项目名称/作品名称/各文件", "文件直接放在最外层",
        "按“学段+学校+教师姓名 / 参赛项目 / 作品名称 / 文件”建立三级文件夹。")]
    assert (lay.level1, lay.level2, lay.project) == (None, None, None)


def test_with_a_chosen_project_the_expected_tree_names_its_folder():
    lay = layout(["甲/a.docx", "乙/b.docx"], project="training_case", origin="folder", name="上传")
    [(_, _, _, _, expected, actual, _)] = found(lay)
    assert (expected, actual) == ("一级文件夹/教师研修案例/作品名称/各文件", "乙、甲")


def test_more_than_five_top_folders_are_cut_to_the_first_five():
    lay = layout([f"{c}/x.docx" for c in "FEDCBA"], origin="archive", name="a.zip", kind="zip")
    assert found(lay)[0][5] == "A、B、C、D、E"


def test_separately_picked_files_have_no_layout_to_judge():
    lay = layout(["a.docx", "b.mp4"], origin="files")
    assert found(lay) == [] and lay.level1 is None


def test_one_top_folder_with_an_unknown_level2_names_the_four_project_folders():
    lay = layout([f"{L1}/参赛作品/题目/a.docx", f"{L1}/说明.docx"])
    assert found(lay) == [(
        "package.layout", "error", "二级文件夹必须以参赛项目命名（四项之一）。", L1,
        ALL_FOLDERS, "参赛作品", "将二级文件夹改名为参赛项目名称。")]
    # The level-1 name is still read, so the rest of the report can use stage and school.
    assert (lay.level1, lay.stage, lay.school, lay.authors) == (L1, "小学", "XX市第一实验小学", ["张三"])


def test_an_unknown_level2_with_a_chosen_project_says_the_exact_new_name():
    lay = layout([f"{L1}/作品/题目/a.docx"], project="training_case")
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "二级文件夹必须以参赛项目命名（四项之一）。", L1,
        "教师研修案例", "作品", "将二级文件夹改名为“教师研修案例”。")]


def test_files_right_inside_level1_have_no_level2_folder():
    lay = layout([f"{L1}/a.docx", f"{L1}/b.mp4"])
    assert found(lay)[0][4:6] == (ALL_FOLDERS, "没有二级文件夹")


def test_a_bad_level1_name_is_reported_even_when_level2_is_unknown():
    lay = layout(["XX小学张三/作品/题目/a.docx"])
    assert [f[0] for f in found(lay)] == ["package.layout", "package.naming"]


# --- level 1 ------------------------------------------------------------------------------------------

def test_a_missing_level1_folder_says_what_to_create():
    lay = layout([f"{FUSION}/题目/a.docx"], origin="archive", name=f"{FUSION}.rar", kind="rar")
    assert found(lay) == [(
        "package.naming", "error", "缺少一级文件夹（学段+学校+教师姓名）。", FUSION,
        f"学段+学校+教师姓名/{FUSION}", FUSION, "新建一级文件夹，命名如“小学XX市第一实验小学张三”，把二级文件夹放进去。")]
    assert (lay.level1, lay.level2, lay.level3, lay.project) == (None, FUSION, "题目", "fusion_case")


def test_without_a_level1_folder_the_rar_advice_shows_the_pattern_not_none():
    zipped = layout([f"{FUSION}/题目/a.docx"], origin="archive", name="作品.zip", kind="zip")
    assert found(zipped, "package.archive") == [(
        "package.archive", "error", "参赛文件夹须压缩为 RAR 格式。", "作品.zip",
        "学段+学校+教师姓名.rar（RAR 格式）", "作品.zip（ZIP 格式）",
        "用 WinRAR 将一级文件夹压缩为“学段+学校+教师姓名.rar”。")]
    folder = layout([f"{FUSION}/题目/a.docx"])
    assert found(folder, "package.archive") == [
        ("package.archive", "info", "文件夹检查完毕；提交前还需把一级文件夹压缩为同名 RAR 文件。", None,
         "学段+学校+教师姓名.rar", None, "右键一级文件夹 → 添加到“学段+学校+教师姓名.rar”。")]


def test_level1_without_a_stage_shows_the_stages_and_an_example():
    lay = layout([f"XX市第一实验小学张三/{FUSION}/题目/a.docx"])
    assert found(lay, "package.naming") == [(
        "package.naming", "error", "一级文件夹应命名为“学段+学校+教师姓名”，且以学段开头。",
        "XX市第一实验小学张三",
        "以 学前教育、特殊教育、小学、初中、高中、中等职业教育、中职 之一开头，如“小学+XX市第一实验小学+张三”",
        "XX市第一实验小学张三", "改名为“学段XX市第一实验小学张三”的形式，例如“小学+XX市第一实验小学+张三”。")]
    assert (lay.stage, lay.school, lay.authors) == (None, None, [])


@pytest.mark.parametrize("level1", ["小学张三", "小学+XX市第一实验小学"], ids=["no-school", "no-author"])
def test_level1_needs_a_school_and_a_teacher_after_the_stage(level1):
    lay = layout([f"{level1}/{FUSION}/题目/a.docx"])
    assert found(lay, "package.naming") == [(
        "package.naming", "error", "一级文件夹名在学段之后应有学校名称和教师姓名。", level1,
        "小学+学校+教师姓名，如“小学+XX市第一实验小学+张三”", level1, None)]


def test_three_characters_after_the_stage_are_enough():
    lay = layout([f"小学实小张/{FUSION}/题目/a.docx"])
    assert found(lay, "package.naming") == []
    assert (lay.stage, lay.school_and_name) == ("小学", "实小张")


def test_a_stage_the_project_does_not_serve_is_a_warning():
    lay = layout([f"中职XX职业学校张三/{FUSION}/题目/a.docx"], project="fusion_case")
    assert found(lay, "package.naming") == [(
        "package.naming", "warning", "学段“中等职业教育”不属于“融合创新应用教学案例”面向的学段。",
        "中职XX职业学校张三", "学前教育、特殊教育、小学、初中、高中", "中等职业教育", None)]


def test_the_stage_check_follows_the_project_read_from_the_folder_when_none_was_chosen():
    lay = layout([f"小学XX小学张三/信息化教学课程案例/题目/a.docx"])
    assert found(lay, "package.naming") == [(
        "package.naming", "warning", "学段“小学”不属于“信息化教学课程案例”面向的学段。",
        "小学XX小学张三", "中等职业教育、中职", "小学", None)]


def test_a_stage_alias_counts_as_its_full_name():
    lay = layout([f"中职XX职业学校张三/信息化教学课程案例/题目/a.docx"], project="it_course_case")
    assert found(lay, "package.naming") == [] and lay.stage == "中等职业教育"


# --- level 2 ------------------------------------------------------------------------------------------

def test_two_project_folders_are_one_too_many():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx", f"{L1}/教师研修案例/题目/b.docx"])
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "只能有一个二级文件夹（参赛项目名称）。", L1, "1 个",
        f"教师研修案例、{FUSION}", None)]                  # in code-point order: 教 (U+6559) before 融
    assert (lay.level2, lay.project) == ("教师研修案例", "training_case")


def test_a_project_folder_written_with_spaces_is_recognised_with_a_warning():
    written = "融合创新应用 教学案例"
    lay = layout([f"{L1}/{written}/题目/a.docx"], project="fusion_case")
    assert found(lay, "package.layout") == [(
        "package.layout", "warning", "二级文件夹名称与规定写法不完全一致。", written, FUSION, written, None)]
    assert lay.project == "fusion_case"


def test_the_level2_folder_must_match_the_chosen_project():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], project="afterschool")
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "二级文件夹的项目名称与所选参赛项目不一致。", FUSION, "精品课后服务资源", FUSION,
        "确认参赛项目；如选择无误，把二级文件夹改名为“精品课后服务资源”。")]
    assert lay.project == "fusion_case"


def test_the_most_common_depth_of_the_project_folder_wins():
    paths = [f"外层/{L1}/{FUSION}/题目/a.docx", f"外层/{L1}/{FUSION}/题目/b.docx", f"{FUSION}/x/c.docx"]
    lay = layout(paths)
    assert (lay.level1, lay.level3) == (L1, "题目")
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "文件不在参赛项目文件夹内。", f"{FUSION}/x/c.docx",
        f"{L1}/{FUSION}/作品名称/…", f"{FUSION}/x/c.docx", None)]
    assert f"{FUSION}/x/c.docx" not in lay.inner


# --- level 3 ------------------------------------------------------------------------------------------

def test_a_file_right_inside_the_project_folder_needs_a_title_folder():
    p = f"{L1}/{FUSION}/a.docx"
    lay = layout([p, f"{L1}/{FUSION}/题目/b.docx"])
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "文件应放在三级文件夹（以作品名称命名）内。", p, f"{FUSION}/作品名称/a.docx", p,
        "在项目文件夹下新建以作品名称命名的三级文件夹，把文件移进去。")]
    assert lay.level3 == "题目" and p not in lay.inner


def test_a_stray_file_outside_the_project_folder_is_named():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx", f"{L1}/说明.txt"])
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "文件不在参赛项目文件夹内。", f"{L1}/说明.txt",
        f"{L1}/{FUSION}/作品名称/…", f"{L1}/说明.txt", None)]


def test_two_title_folders_are_one_too_many_and_the_first_is_kept():
    lay = layout([f"{L1}/{FUSION}/乙题/a.docx", f"{L1}/{FUSION}/甲题/b.docx"])
    assert found(lay, "package.layout") == [(
        "package.layout", "error", "项目文件夹下只能有一个三级文件夹（作品名称）。", FUSION, "1 个", "乙题、甲题", None)]
    assert lay.level3 == "乙题"


def test_the_title_is_checked_for_book_marks_at_its_full_path():
    lay = layout([f"{L1}/{FUSION}/《分数》/a.docx"])
    [f] = [f for f in lay.findings if f.rule == "title.book_marks"]
    assert f.path == f"{L1}/{FUSION}/《分数》"


def test_without_any_title_folder_there_is_no_title():
    lay = layout([f"{L1}/{FUSION}/a.docx"])
    assert lay.level3 is None and lay.inner == {}
    assert not [f for f in lay.findings if f.rule == "title.book_marks"]


# --- the archive's form and name ----------------------------------------------------------------------

def test_a_zip_is_refused_with_the_rar_to_make():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name=f"{L1}.zip", kind="zip")
    assert found(lay) == [(
        "package.archive", "error", "参赛文件夹须压缩为 RAR 格式。", f"{L1}.zip", f"{L1}.rar（RAR 格式）",
        f"{L1}.zip（ZIP 格式）", f"用 WinRAR 将一级文件夹压缩为“{L1}.rar”。")]


def test_a_rar_with_another_name_is_told_its_right_name():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name="作品.rar", kind="rar")
    assert found(lay) == [(
        "package.archive", "error", "压缩文件名应与一级文件夹同名。", "作品.rar", f"{L1}.rar", "作品.rar",
        f"把压缩文件改名为“{L1}.rar”。")]


def test_a_zip_with_another_name_gets_both_findings():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name="作品.zip", kind="zip")
    assert [(f[2], f[3]) for f in found(lay)] == [("参赛文件夹须压缩为 RAR 格式。", "作品.zip"),
                                                  ("压缩文件名应与一级文件夹同名。", "作品.zip")]


@pytest.mark.parametrize("name", [f"{L1}.RAR", "小学 XX市第一实验小学张三.rar", "小学XX市第一实验小学张三",
                                  "小学ＸＸ市第一实验小学张三.rar"],
                         ids=["upper-ext", "space", "no-extension", "full-width"])
def test_the_archive_name_is_compared_without_extension_spaces_or_width(name):
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name=name, kind="rar")
    assert found(lay) == []


def test_an_archive_with_an_unknown_format_is_named_as_such():
    lay = layout([f"{L1}/{FUSION}/题目/a.docx"], origin="archive", name=f"{L1}.rar", kind=None)
    assert found(lay)[0][5] == f"{L1}.rar（ 格式）"


# --- edges the mutation run pointed at -----------------------------------------------------------------

def test_the_depth_most_files_agree_on_wins_over_a_deeper_one():
    paths = [f"{L1}/{FUSION}/题目/a.docx", f"{L1}/{FUSION}/题目/b.docx", f"外层/{L1}/{FUSION}/题目/c.docx"]
    lay = layout(paths)
    assert (lay.level1, lay.level3) == (L1, "题目")
    assert [f[3] for f in found(lay, "package.layout")] == [f"外层/{L1}/{FUSION}/题目/c.docx"]


def test_an_unknown_level2_holding_files_directly_is_named():
    lay = layout([f"{L1}/作品/a.docx", f"{L1}/资料/b.docx"])
    assert found(lay)[0][5] == "作品、资料"


def test_with_an_unknown_level2_the_stage_is_still_checked_against_the_chosen_project():
    lay = layout(["中职XX职业学校张三/作品/题目/a.docx"], project="fusion_case")
    assert [(f[0], f[1]) for f in found(lay)] == [("package.layout", "error"), ("package.naming", "warning")]


def test_a_project_open_to_a_stage_only_by_its_short_name_accepts_the_full_name():
    rules = {**RULES, "projects": {**RULES["projects"],
                                   "it_course_case": {**RULES["projects"]["it_course_case"], "stages": ["中职"]}}}
    lay = analyse_layout(["中等职业教育XX职业学校张三/信息化教学课程案例/题目/a.docx"], rules, "it_course_case",
                         "folder", None, None)
    assert found(lay, "package.naming") == [] and lay.stage == "中等职业教育"


def test_a_level1_name_with_dots_is_compared_without_only_the_archive_extension():
    level1 = "小学XX市第1.5实验小学张三"
    lay = layout([f"{level1}/{FUSION}/题目/a.docx"], origin="archive", name=f"{level1}.rar", kind="rar")
    assert found(lay) == []
