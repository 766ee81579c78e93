"""The rules file is data: it loads, every project is complete, and a mistake names its line."""
import shutil

import pytest

from checks.errors import RulesError
from checks.rules import RULES_PATH, kinds_of, load_rules, project_by_folder

DIGEST_PROJECTS = {"afterschool", "fusion_case", "it_course_case", "training_case",
                   "vocational_practice", "digital_textbook"}


def test_the_shipped_rules_cover_the_six_projects_and_three_training_subtypes():
    rules = load_rules()
    assert set(rules["projects"]) == DIGEST_PROJECTS
    assert set(rules["projects"]["training_case"]["subtypes"]) == {"regional", "school", "studio"}
    assert rules["projects"]["training_case"]["subtypes"]["regional"]["recusal"] == "district"


def test_level2_folder_names_map_back_to_projects():
    assert project_by_folder("教师研修案例") == "training_case"
    assert project_by_folder("融合创新应用教学案例") == "fusion_case"
    assert project_by_folder("职业教育实践性教学案例") is None   # uploaded file by file, no folder


def test_kind_groups_expand_and_any_means_no_restriction():
    assert "mov" in kinds_of(["video"])
    assert kinds_of(["word", "pdf"]) == {"docx", "doc", "wps", "pdf"}    # .doc/.wps are Word formats too
    assert kinds_of(["docx"]) == {"docx"}
    assert kinds_of(["any"]) is None


def _broken_copy(tmp_path, old, new):
    p = tmp_path / "contest.yaml"
    shutil.copy(RULES_PATH, p)
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p, text[: text.index(old)].count("\n") + 1


def test_an_unknown_kind_group_is_reported_with_its_line(tmp_path):
    p, line = _broken_copy(tmp_path, "accepts: [video], format_text: MP4,", "accepts: [vidoe], format_text: MP4,")
    with pytest.raises(RulesError) as e:
        load_rules(p)
    assert "'vidoe'" in str(e.value)
    assert f"第 {line} 行" in str(e.value)


def test_a_misspelt_key_is_reported_with_its_line(tmp_path):
    p, line = _broken_copy(tmp_path, "    max_authors: 5\n", "    max_author: 5\n")
    with pytest.raises(RulesError) as e:
        load_rules(p)
    assert "max_author" in str(e.value) and f"第 {line} 行" in str(e.value)
    assert "缺少必填项 'max_authors'" in str(e.value)


def test_a_bad_level_and_a_yaml_syntax_error_are_reported(tmp_path):
    p, line = _broken_copy(tmp_path, "spec_level: error,", "spec_level: fatal,")
    with pytest.raises(RulesError, match=f"第 {line} 行.*error、warning 或 info"):
        load_rules(p)
    p2 = tmp_path / "syntax.yaml"
    p2.write_text("projects: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match="第 2 行：YAML 语法错误"):
        load_rules(p2)


def test_a_repeated_form_field_of_a_project_is_reported_with_its_line(tmp_path):
    p, line = _broken_copy(tmp_path, "    form_fields: [作品特点, 安装运行说明]\n", "    form_fields: [作品特点, 作品特点]\n")
    with pytest.raises(RulesError, match=f"第 {line} 行.*form_fields 应为不重复的登记表栏目名称列表"):
        load_rules(p)
