"""Sections found as a reader finds them, in real .docx, PDF and .doc files; the catalogue's validation."""
import io
import shutil

import pytest

from checks.documents import docx as docx_facts
from checks.documents import legacy as legacy_doc
from checks.documents import pdf as pdf_facts
from checks.documents import rules as doc_rules
from checks.documents.sections import match_sections
from checks.errors import RulesError
from checks.rules import RULES_PATH, load_rules
from samplegen.docs import make_docx, make_legacy_doc_bytes, make_text_pdf

RULES = load_rules()
CATALOGUE = RULES["sections"]


def item(project, key):
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


TRAINING_INTRO = item("training_case", "case_intro")          # 4 sections, error
VOC_INTRO = item("vocational_practice", "case_intro")          # 6 sections, warning
VOC_PLAN = item("vocational_practice", "lesson_plan")          # 7 sections, error
TRAINING = TRAINING_INTRO["doc"]["sections"]
PLAN = VOC_PLAN["doc"]["sections"]
BODY = "本部分介绍具体做法和取得的效果，内容较长，不是标题。"


def docx(path):
    with open(path, "rb") as f:
        return docx_facts.from_stream(f)


def pdf(path):
    with open(path, "rb") as f:
        return pdf_facts.from_stream(f)


def rules_of(findings):
    return [(f.rule, f.level) for f in findings]


# --- the teachers' own words ---------------------------------------------------------------------

@pytest.mark.parametrize("style", ["bold", "numbered", "heading"])
def test_training_case_in_teachers_words(tmp_path, style):
    heads = ["基本情况介绍", "实施过程与主要做法", "经验总结与成效分析", "案例亮点"]
    f = docx(make_docx(tmp_path / "a.docx", heading_style=style, sections=[(h, BODY) for h in heads]))
    m = match_sections(f, "docx", TRAINING, CATALOGUE)
    assert m.missing == [] and m.ratio == 1.0
    assert m.found == {"基本情况": "基本情况介绍", "过程与举措": "实施过程与主要做法",
                       "经验与成效": "经验总结与成效分析", "特色与创新": "案例亮点"}
    assert m.how == {"基本情况": "heading", "过程与举措": "alias", "经验与成效": "alias", "特色与创新": "alias"}
    found = doc_rules.judge_document(f, "docx", TRAINING_INTRO, "案例介绍.docx")
    assert rules_of(found) == [("doc.sections", "info")]
    assert "“实施过程与主要做法”按“过程与举措”识别" in found[0].message
    assert "“案例亮点”按“特色与创新”识别" in found[0].message


def test_reordered_and_joined_parts(tmp_path):
    heads = ["一、背景与概况", "二、举措和过程", "三、成效及经验", "四、创新、特色"]
    f = docx(make_docx(tmp_path / "a.docx", heading_style="bold", sections=[(h, BODY) for h in heads]))
    m = match_sections(f, "docx", TRAINING, CATALOGUE)
    assert m.missing == []
    assert m.how == {"基本情况": "alias", "过程与举措": "parts", "经验与成效": "parts", "特色与创新": "parts"}
    assert m.found["过程与举措"] == "举措和过程"          # shown without its numbering


@pytest.mark.parametrize("style", ["heading", "bold"])
def test_a_title_claimed_by_one_section_is_no_part_of_another(tmp_path, style):
    # "特色做法与创新" is 特色与创新 (alias 特色做法); its 做法 must not stand in for 过程与举措
    heads = ["项目概述", "成效与反思", "特色做法与创新"]
    f = docx(make_docx(tmp_path / "a.docx", heading_style=style, sections=[(h, BODY) for h in heads]))
    m = match_sections(f, "docx", TRAINING, CATALOGUE)
    assert m.missing == ["过程与举措"]
    assert (m.found["特色与创新"], m.how["特色与创新"]) == ("特色做法与创新", "alias")
    assert (m.found["经验与成效"], m.how["经验与成效"]) == ("成效与反思", "parts")


def test_lesson_plan_pdf_with_aliases_and_a_template_table(tmp_path):
    lines = ["教案", "授课班级 22级数控1班 授课时间 第3周 周二", "授课地点 数控实训室 学时 2",
             "一、教材分析", BODY, "二、学生分析", BODY, "三、教学目的", BODY, "四、教法学法", BODY,
             "五、教学过程", BODY, "六、教学反思", BODY]
    f = pdf(make_text_pdf(tmp_path / "教案.pdf", lines))
    m = match_sections(f, "pdf", PLAN, CATALOGUE)
    assert m.missing == []
    assert m.how == {"授课信息": "table", "内容分析": "alias", "学情分析": "alias", "教学目标": "alias",
                     "教学策略": "alias", "教学活动安排": "alias", "课后反思": "alias"}
    assert m.found["授课信息"] == "授课班级、授课时间、授课地点、学时"
    found = doc_rules.judge_document(f, "pdf", VOC_PLAN, "教案.pdf")
    assert rules_of(found) == [("doc.sections", "info")]
    assert "表格中的“授课班级、授课时间、授课地点、学时”按“授课信息”识别" in found[0].message
    assert "“教学过程”按“教学活动安排”识别" in found[0].message


def test_lesson_plan_docx_template_table_labels_in_every_column(tmp_path):
    rows = [["课程名称", "机械制图", "授课班级", "22级数控1班"], ["授课时间", "第3周", "授课地点", "实训室"]]
    sections = [(s, BODY) for s in PLAN[1:]]
    f = docx(make_docx(tmp_path / "教案.docx", table_rows=rows, sections=sections, heading_style="numbered"))
    m = match_sections(f, "docx", PLAN, CATALOGUE)
    assert m.missing == [] and m.how["授课信息"] == "table"
    assert m.found["授课信息"] == "授课班级、授课时间、授课地点、课程名称"


def test_two_labels_do_not_make_a_lesson_information_table(tmp_path):
    rows = [["授课班级", "22级数控1班", "授课时间", "第3周"]]
    f = docx(make_docx(tmp_path / "教案.docx", table_rows=rows, sections=[(s, BODY) for s in PLAN[1:]]))
    found = doc_rules.judge_document(f, "docx", VOC_PLAN, "教案.docx")
    assert rules_of(found) == [("doc.sections", "error")]
    assert found[0].message == "文档缺少必需的部分：授课信息。"


def test_vocational_case_intro_as_a_form_table(tmp_path):
    rows = [["案例名称", "数字孪生赋能机械制图"], ["所属专业", "数控技术应用"], ["课程名称", "机械制图"],
            ["课程性质", "专业核心课"], ["教材", "《机械制图》第三版"], ["创新之处", "虚实结合"]]
    f = docx(make_docx(tmp_path / "案例介绍.docx", table_rows=rows))
    m = match_sections(f, "docx", VOC_INTRO["doc"]["sections"], CATALOGUE)
    assert m.missing == []
    assert (m.how["案例名称"], m.how["专业名称"], m.how["课程类型"], m.how["选用教材"], m.how["创新点"]) == \
           ("heading", "alias", "alias", "alias", "alias")
    assert m.found["选用教材"] == "教材"


def test_the_engine_judges_with_the_catalogue(tmp_path):
    from checks import check_paths
    rows = [["授课班级", "22级数控1班", "授课时间", "第3周"], ["授课地点", "实训室", "学时", "2"]]
    heads = ["教材分析", "学生分析", "教学目的", "教法学法", "教学过程", "教学反思"]
    p = make_docx(tmp_path / "教案.docx", table_rows=rows, heading_style="bold", sections=[(h, BODY) for h in heads])
    report = check_paths([p], project="vocational_practice")
    mine = [f for f in report.findings if f.path == "教案.docx"]
    assert [(f.rule, f.level) for f in mine] == [("doc.sections", "info")]
    assert "“学生分析”按“学情分析”识别" in mine[0].message


# --- not every mention is a section --------------------------------------------------------------

PROSE = ("本课的教学目标是让学生掌握零件图的识读方法，能够独立完成简单零件的测绘，"
         "并在小组合作中养成严谨细致的职业素养，这也是本次教学过程设计的出发点。")


def test_a_sentence_that_mentions_a_section_is_not_one_docx(tmp_path):
    sections = [(s, BODY) for s in PLAN if s not in ("教学目标", "教学活动安排")]
    f = docx(make_docx(tmp_path / "教案.docx", heading_style="heading", sections=sections, extra_paragraphs=[PROSE]))
    found = doc_rules.judge_document(f, "docx", VOC_PLAN, "教案.docx")
    assert rules_of(found) == [("doc.sections", "error")]
    assert found[0].message == "文档缺少必需的部分：教学目标、教学活动安排。"


def test_a_sentence_that_mentions_a_section_is_not_one_pdf(tmp_path):
    # a PDF wraps prose into lines; neither the long lines nor the short last one are titles
    lines = [f"{i + 1}. {s}" for i, s in enumerate(PLAN) if s != "教学目标"]
    lines += [PROSE[:38], PROSE[38:76], PROSE[76:]]
    f = pdf(make_text_pdf(tmp_path / "教案.pdf", lines))
    m = match_sections(f, "pdf", PLAN, CATALOGUE)
    assert m.missing == ["教学目标"]


def test_numbered_titles_with_a_comma_in_a_pdf(tmp_path):
    lines = ["一、基本情况", BODY, "（二）聚焦课堂，深化过程与举措", BODY, "三、经验与成效", BODY,
             "1. 学生在活动中体会特色与创新，", BODY]
    m = match_sections(pdf(make_text_pdf(tmp_path / "a.pdf", lines)), "pdf", TRAINING, CATALOGUE)
    assert m.found["过程与举措"] == "聚焦课堂，深化过程与举措"          # as written
    assert m.missing == ["特色与创新"]                 # a numbered clause ending in a comma is prose


def test_short_aliases_count_only_as_a_whole_label(tmp_path):
    sections = VOC_INTRO["doc"]["sections"]
    base = [f"{s}：某某" for s in sections if s != "选用教材"]
    mention = docx(make_docx(tmp_path / "a.docx", extra_paragraphs=[*base, "数字教材建设情况"]))
    assert match_sections(mention, "docx", sections, CATALOGUE).missing == ["选用教材"]
    label = docx(make_docx(tmp_path / "b.docx", extra_paragraphs=[*base, "教材：《机械制图》第三版"]))
    m = match_sections(label, "docx", sections, CATALOGUE)
    assert m.missing == [] and m.how["选用教材"] == "alias"


def test_truly_absent_sections_keep_their_level(tmp_path):
    f = docx(make_docx(tmp_path / "a.docx", heading_style="bold",
                       sections=[("实施过程", BODY), ("主要成效", BODY)]))
    found = doc_rules.judge_document(f, "docx", TRAINING_INTRO, "案例介绍.docx")
    assert rules_of(found) == [("doc.sections", "info"), ("doc.sections", "error")]
    assert found[1].message == "文档缺少必需的部分：基本情况、特色与创新。"
    assert found[1].actual == "已找到：过程与举措、经验与成效"
    intro = docx(make_docx(tmp_path / "b.docx", extra_paragraphs=["案例名称：某某"]))
    found = doc_rules.judge_document(intro, "docx", VOC_INTRO, "案例介绍.docx")
    assert rules_of(found) == [("doc.sections", "warning")]


def test_sections_of_an_old_word_file(tmp_path):
    paras = ["背景与概况", BODY, "主要做法", BODY, "取得成效", BODY, "特色创新", BODY]
    facts = legacy_doc.from_stream(io.BytesIO(make_legacy_doc_bytes(paras)), "doc")
    m = match_sections(facts, "doc", TRAINING, CATALOGUE)
    assert m.missing == [] and set(m.how.values()) == {"alias"}


def test_ratio_tells_a_lesson_plan_from_a_report(tmp_path):
    plan = docx(make_docx(tmp_path / "plan.docx", sections=[(s, BODY) for s in PLAN]))
    report = docx(make_docx(tmp_path / "report.docx", sections=[
        ("实施报告概述", BODY), ("学生学习效果", BODY), ("反思改进措施", BODY)]))
    assert match_sections(plan, "docx", PLAN, CATALOGUE).ratio == 1.0
    assert match_sections(report, "docx", PLAN, CATALOGUE).ratio == pytest.approx(1 / 7)


def test_no_text_means_nothing_found():
    m = match_sections({"text": None}, "pdf", PLAN, CATALOGUE)
    assert (m.readable, m.ratio, m.missing) == (False, 0.0, PLAN)


# --- the catalogue in contest.yaml -------------------------------------------------------------------

def test_every_required_section_has_a_catalogue_entry():
    required = {s for p in RULES["projects"].values() for it in p["items"] for s in (it.get("doc") or {}).get("sections", [])}
    assert required == set(CATALOGUE)


def _broken_copy(tmp_path, old, new):
    p = tmp_path / "contest.yaml"
    shutil.copy(RULES_PATH, p)
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p, text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize("old, new, says", [
    ("  学情分析:\n", "  学情分折:\n", "'学情分折' 不是任何一项 doc.sections 里的名称"),
    ("    min_labels: 3\n", "    min_labels: 30\n", "min_labels 应在 1 到"),
    ("    parts: [[特色, 亮点, 创新]]\n", "    parts: [特色, 创新]\n", "应为若干组词"),
    ("    aliases: [学生分析,", "    alias: [学生分析,", "未知的键 'alias'"),
])
def test_catalogue_mistakes_are_named_with_their_line(tmp_path, old, new, says):
    p, line = _broken_copy(tmp_path, old, new)
    with pytest.raises(RulesError) as e:
        load_rules(p)
    assert says in str(e.value) and f"第 {line} 行" in str(e.value)


ITEMS = [TRAINING_INTRO, VOC_INTRO, VOC_PLAN]
ALIASES = [(it["key"] + "/" + s, it, s, a) for it in ITEMS for s in it["doc"]["sections"]
           for a in CATALOGUE[s].get("aliases", [])]


@pytest.mark.parametrize("where, spec, section, alias", ALIASES, ids=[a[0] + ":" + a[3] for a in ALIASES])
def test_every_alias_finds_its_section_and_no_other(tmp_path, where, spec, section, alias):
    """Each alias, as a teacher's bold title (or a label line when it is a short word), stands for
    its own section only, so aliases of one document never collide."""
    title = f"{alias}：某某" if len(alias) <= 2 else alias
    f = docx(make_docx(tmp_path / "a.docx", heading_style="bold", sections=[(title, BODY)]))
    m = match_sections(f, "docx", spec["doc"]["sections"], CATALOGUE)
    assert m.found == {section: title} and m.how == {section: "alias"}
