"""登记表填写助手 shows the fields of the chosen project's registration form only: the free-text
fields of 附件1 (精品课后服务资源), 附件2 (融合创新 / 信息化课程案例), 附件4 (教师研修案例 信息表) and
附件5 (职业教育专项), as printed in the contest notice. AppTest of the real self-check page."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

ANNEX_1 = ["作品特点", "安装运行说明"]
ANNEX_2 = ["教学环境设施建设情况", "课程建设情况", "教学实施情况及教学效果", "教学成果推广情况", "其他说明"]
ANNEX_4 = ["案例概述"]
ANNEX_5 = ["作品特点", "作品安装运行说明", "教学环境设施建设情况", "课程建设情况", "教学实施情况及教学效果",
           "教学成果、获奖情况、推广情况", "其他说明"]
FORMS = {"afterschool": ("附件1", ANNEX_1), "fusion_case": ("附件2", ANNEX_2), "it_course_case": ("附件2", ANNEX_2),
         "training_case": ("附件4", ANNEX_4), "vocational_practice": ("附件5", ANNEX_5),
         "digital_textbook": ("附件5", ANNEX_5)}


def _page(project: str | None) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / "self_check.py"), default_timeout=60).run()
    if project:
        at.selectbox(key="sc_project").set_value(project).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("project", list(FORMS))
def test_only_the_fields_of_the_projects_form(project):
    annex, fields = FORMS[project]
    at = _page(project)
    assert sorted(t.label for t in at.text_area) == sorted(fields)
    assert any(m.value.startswith(f"**{annex} ") for m in at.markdown)


def test_a_field_without_a_limit_is_counted_not_judged():
    at = _page("vocational_practice")
    at.text_area(key="sc_field_vocational_practice_1").input("字" * 400).run()
    assert "作品安装运行说明：400 字（通知未限制字数）" in [c.value for c in at.caption]
    assert not at.error


def test_a_limited_field_of_annex_4_is_judged():
    at = _page("training_case")
    at.text_area(key="sc_field_training_case_0").input("研" * 301).run()
    assert any("登记表“案例概述”一栏超过 300 字" in e.value for e in at.error)


def test_no_project_chosen_asks_for_one():
    at = _page(None)
    assert not at.text_area
    assert "请先在上方选择项目类型，这里会列出该项目登记表中需要填写的栏目。" in [i.value for i in at.info]
