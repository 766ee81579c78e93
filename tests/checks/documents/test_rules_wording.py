"""What a teacher reads for each document finding: rule, level and every text written out in full.

test_rules.py judges real generated files; here the judges get facts in the shapes the inspectors
give (checks.documents.docx / pdf / legacy), so each branch can be reached with one changed fact.
The items, their names, format texts, sections and word limit are those of data/rules/contest.yaml.
"""
from __future__ import annotations

import pytest

from checks.documents.rules import judge_document, judge_pdf_form
from checks.findings import ERROR, INFO, WARNING, Finding
from checks.rules import load_rules

RULES = load_rules()


def item(project, key):
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


TRAINING_INTRO = item("training_case", "case_intro")      # 案例介绍文档: Word only, 4 sections, error
VOC_INTRO = item("vocational_practice", "case_intro")      # 案例介绍: Word or PDF, sections at warning
VOC_PLAN = item("vocational_practice", "lesson_plan")      # 教案: Word or PDF, 7 sections, error
VOC_REPORT = item("vocational_practice", "report")         # 教学实施报告: Word or PDF, ≤ 3000 字
FORM = item("training_case", "info_form")                  # 案例信息表（附件4）: signed scanned PDF
NO_DOC = {"doc": {}}                                       # the same item, its content not checked

SAVE_AS_DOCX = "用 Word 或 WPS 打开后 另存为 .docx（文件类型选“Word 文档(*.docx)”）"
TRAINING_SECTIONS = "基本情况、过程与举措、经验与成效、特色与创新"
PLAN_SECTIONS = "授课信息、内容分析、学情分析、教学目标、教学策略、教学活动安排、课后反思"


def text_facts(text: str | None, **more) -> dict:
    """Facts of a PDF or an old Word file: its text (None when it could not be read)."""
    return {"text": text, **more}


def pdf_facts(text: str = "", **more) -> dict:
    base = {"kind": "pdf", "encrypted": False, "needs_password": False, "pages_with_images": 0,
            "image_coverage": 0.0, "looks_scanned": False, "text": text, "word_count": len(text.replace("\n", ""))}
    return base | more


def docx_facts(paragraphs: list[str], word_count: int | None = None) -> dict:
    return {"kind": "docx", "paragraphs": paragraphs, "headings": [], "table_cells": [],
            "word_count": word_count if word_count is not None else sum(len(p) for p in paragraphs)}


def rule(found: list[Finding], name: str) -> list[Finding]:
    return [f for f in found if f.rule == name]


# --- file.readable -------------------------------------------------------------------------------

def test_a_password_protected_word_file_is_unreadable():
    assert judge_document({"encrypted": True, "text": None}, "docx_encrypted", TRAINING_INTRO, "案例介绍.docx") == [
        Finding("file.readable", ERROR, "文件设置了打开密码，评审无法打开；请取消密码后重新保存", "案例介绍.docx",
                "无密码的 Word 文件", "设置了打开密码",
                "在 Word 中“文件→信息→保护文档→用密码进行加密”清空密码（WPS：“文件→文档加密”），保存后重新提交。",
                "case_intro")]


def test_a_pdf_with_only_an_owner_password_is_judged_normally():
    """Encrypted for editing but opening without a password: readers see it, so judge its content."""
    facts = pdf_facts("\n".join(VOC_PLAN["doc"]["sections"]), encrypted=True)
    assert judge_document(facts, "pdf", VOC_PLAN, "教案.pdf") == []


PDF_PASSWORD = Finding("file.readable", ERROR, "PDF 设置了打开密码，评审无法打开。", "教案.pdf",
                       "无需密码即可打开的 PDF", "需要打开密码", "去掉打开密码后重新导出或重新扫描成 PDF。", "lesson_plan")


def test_a_pdf_needing_a_password_to_open_is_unreadable():
    assert judge_document(pdf_facts(needs_password=True), "pdf", VOC_PLAN, "教案.pdf") == [PDF_PASSWORD]


def test_a_registration_form_needing_a_password_is_reported_once_by_the_form_judge():
    facts = pdf_facts(needs_password=True)
    assert judge_document(facts, "pdf", FORM, "信息表.pdf") == []
    assert judge_pdf_form(facts, FORM, "信息表.pdf") == [
        Finding("file.readable", ERROR, "PDF 设置了打开密码，评审无法打开。", "信息表.pdf",
                "无需密码即可打开的 PDF", "需要打开密码", "去掉打开密码后重新导出或重新扫描成 PDF。", "info_form")]


# --- pdf.scanned ---------------------------------------------------------------------------------

def test_a_form_pdf_without_images_is_not_a_signed_scan():
    assert judge_pdf_form(pdf_facts("案例信息表"), FORM, "信息表.pdf") == [
        Finding("pdf.scanned", WARNING, "看起来不是签字后的扫描件：PDF 页面上没有任何图像（像是由 Word 直接导出的）。",
                "信息表.pdf", "签字后扫描的 PDF（每页是扫描图像）", "无页面图像", "打印表格，签字（盖章）后扫描成 PDF 再提交。",
                "info_form")]


def test_a_form_pdf_with_small_images_names_their_largest_coverage():
    facts = pdf_facts("案例信息表", pages_with_images=1, image_coverage=0.6)
    assert judge_pdf_form(facts, FORM, "信息表.pdf") == [
        Finding("pdf.scanned", WARNING, "看起来不是签字后的扫描件：页面上的图像最多只占页面的 60%（扫描件应整页是图像）。",
                "信息表.pdf", "签字后扫描的 PDF（每页是扫描图像）", "图像最多覆盖页面 60%", "打印表格，签字（盖章）后扫描成 PDF 再提交。",
                "info_form")]


def test_an_unknown_image_coverage_counts_as_none():
    facts = pdf_facts("案例信息表", pages_with_images=2, image_coverage=None)
    assert judge_pdf_form(facts, FORM, "信息表.pdf")[0].actual == "图像最多覆盖页面 0%"


def test_a_scan_passes_and_items_that_need_no_scan_are_not_judged():
    assert judge_pdf_form(pdf_facts(pages_with_images=1, image_coverage=0.98, looks_scanned=True), FORM, "a.pdf") == []
    assert judge_pdf_form(pdf_facts("教案"), VOC_PLAN, "教案.pdf") == []


# --- doc.format ----------------------------------------------------------------------------------

def test_a_real_doc_with_text_is_accepted_with_advice():
    found = judge_document(text_facts("基本情况"), "doc", TRAINING_INTRO | NO_DOC, "案例介绍.doc")
    assert found == [Finding("doc.format", INFO,
                             "这是旧版 Word 97-2003 .doc 文件，已按 Word 格式接受并检查了其中的文字；建议另存为 .docx，评审打开更方便。",
                             "案例介绍.doc", "Word（.docx）", "旧版 Word 97-2003 .doc 文件", SAVE_AS_DOCX + "。", "case_intro")]


def test_a_wps_file_whose_text_cannot_be_read_is_a_warning():
    found = judge_document(text_facts(None), "wps", TRAINING_INTRO | NO_DOC, "案例介绍.wps")
    assert found == [Finding("doc.format", WARNING,
                             "这是 WPS 文件（.wps 格式），属于 Word 格式，但读不出其中的文字，“案例介绍文档”的内容无法检查；建议另存为 .docx。",
                             "案例介绍.wps", "Word（.docx）", "WPS 文件（.wps 格式）（无法读取文字）", SAVE_AS_DOCX + "，再重新检查。",
                             "case_intro")]


def test_rtf_where_only_word_is_accepted_is_an_error():
    found = judge_document(text_facts("基本情况"), "rtf", TRAINING_INTRO | NO_DOC, "案例介绍.doc")
    assert found == [Finding("doc.format", ERROR, "“案例介绍文档”需要 Word（.docx/.doc） 文件，这是 RTF 格式文件（不是 .docx）。",
                             "案例介绍.doc", "Word 文档（.docx，也可 .doc、.wps）", "RTF 格式文件（不是 .docx）", SAVE_AS_DOCX + "。",
                             "case_intro")]


def test_a_web_page_where_word_or_pdf_is_accepted_is_only_a_warning():
    """Where a PDF would do too, the text of a Word-like web page is still judged: a warning."""
    found = judge_document(text_facts("案例名称"), "word_html", VOC_INTRO | NO_DOC, "案例介绍.doc")
    assert found == [Finding("doc.format", WARNING,
                             "“案例介绍”需要 Word（.docx/.doc）或 PDF 文件，这是另存为网页（HTML/MHT）格式的文件，只是扩展名像 Word。",
                             "案例介绍.doc", "Word 或 PDF", "另存为网页（HTML/MHT）格式的文件，只是扩展名像 Word",
                             SAVE_AS_DOCX + "，或导出为 PDF。", "case_intro")]


def test_word_2003_xml_is_named_as_such():
    f, = judge_document(text_facts("基本情况"), "word_xml", TRAINING_INTRO | NO_DOC, "案例介绍.xml")
    assert (f.message, f.actual) == ("“案例介绍文档”需要 Word（.docx/.doc） 文件，这是 Word 2003 XML 格式文件（不是 .docx）。",
                                     "Word 2003 XML 格式文件（不是 .docx）")


def test_a_legacy_kind_without_a_description_is_named_by_its_kind():
    f, = judge_document(text_facts(None), "doc_encrypted", TRAINING_INTRO | NO_DOC, "案例介绍.doc")
    assert (f.level, f.message, f.actual) == (ERROR, "“案例介绍文档”需要 Word（.docx/.doc） 文件，这是 doc_encrypted 格式文件。",
                                              "doc_encrypted 格式文件")


def test_a_pdf_where_only_word_is_accepted_is_an_error():
    found = judge_document(pdf_facts(TRAINING_SECTIONS.replace("、", "\n")), "pdf", TRAINING_INTRO, "案例介绍.pdf")
    assert found == [Finding("doc.format", ERROR, "“案例介绍文档”需要 Word（.docx）文件，这是 PDF 文件。", "案例介绍.pdf",
                             "Word 文档（.docx，也可 .doc、.wps）", "PDF 文件",
                             "提交原始的 Word（.docx）文档；只有 PDF 时请用 Word 打开 PDF 后另存为 .docx 并核对排版。",
                             "case_intro")]


def test_a_word_document_where_a_pdf_is_required_is_an_error():
    found = judge_document(docx_facts(["案例信息表"]), "docx", FORM, "信息表.docx")
    assert found == [Finding("doc.format", ERROR, "“案例信息表（附件4）”需要 PDF 文件，这是 Word 文档。", "信息表.docx",
                             "签字扫描的 PDF", "Word 文档（.docx）", "在 Word 中“另存为 PDF”后提交。", "info_form")]


def test_without_a_format_text_the_expected_format_follows_what_is_accepted():
    word_or_pdf = {"key": "notes", "name": "说明", "accepts": ["word", "pdf"]}
    assert judge_document(text_facts("x"), "rtf", word_or_pdf, "说明.rtf")[0].expected == "Word 或 PDF"
    word = {"key": "notes", "name": "说明", "accepts": ["word"]}
    assert judge_document(text_facts("x"), "rtf", word, "说明.rtf")[0].expected == "Word（.docx）"
    assert judge_document(pdf_facts("x"), "pdf", word, "说明.pdf")[0].expected == "Word（.docx）"


def test_an_item_without_a_name_is_called_a_document():
    f, = judge_document(text_facts("x"), "rtf", {"key": "notes", "accepts": ["word"]}, "说明.rtf")
    assert f.message == "“文档”需要 Word（.docx/.doc） 文件，这是 RTF 格式文件（不是 .docx）。"
    f, = judge_document(text_facts(None), "doc", {"key": "notes", "accepts": ["word"]}, "说明.doc")
    assert f.message == "这是旧版 Word 97-2003 .doc 文件，属于 Word 格式，但读不出其中的文字，“文档”的内容无法检查；建议另存为 .docx。"


def test_an_item_accepting_anything_has_no_format_finding():
    assert judge_document(pdf_facts("x"), "pdf", {"key": "extra", "accepts": ["any", "word"]}, "附件.pdf") == []


def test_kinds_that_are_no_document_format_are_left_to_the_other_checks():
    """This judge speaks about Word and PDF only; what a spreadsheet is doing here is said elsewhere."""
    assert judge_document({}, "xlsx", TRAINING_INTRO | NO_DOC, "案例介绍.xlsx") == []
    assert judge_document({}, "xlsx", FORM, "信息表.xlsx") == []


def test_an_item_that_also_accepts_a_non_document_group_judges_its_documents():
    both = {"key": "notes", "name": "说明", "accepts": ["video", "word"]}
    assert judge_document(docx_facts(["说明"]), "docx", both, "说明.docx") == []


def test_the_kind_groups_can_be_passed_in():
    """The engine passes contest.yaml's kind_groups; a kind they accept is not a format finding."""
    groups = {"word": ("docx", "rtf")}
    assert judge_document(text_facts("x"), "rtf", TRAINING_INTRO | NO_DOC, "a.rtf", kind_groups=groups) == []


# --- doc.sections --------------------------------------------------------------------------------

def test_a_pdf_without_text_cannot_be_checked_for_sections():
    found = judge_document(pdf_facts(""), "pdf", VOC_PLAN, "教案.pdf")
    assert found == [Finding("doc.sections", WARNING, "PDF 中没有可提取的文字（可能是扫描件），无法检查是否包含必需的部分。",
                             "教案.pdf", PLAN_SECTIONS, "无法读取文字", "请人工核对；最好提交 Word（.docx）原文件。",
                             "lesson_plan")]


def test_a_doc_without_text_cannot_be_checked_for_sections():
    f = rule(judge_document(text_facts(None), "doc", TRAINING_INTRO, "案例介绍.doc"), "doc.sections")
    assert [(x.level, x.message) for x in f] == [(WARNING, "无法读取这个文件的文字，无法检查是否包含必需的部分。")]


def test_sections_found_by_their_usual_other_names_are_explained():
    text = "案例背景\n过程与举措\n主要成效\n特色与创新"
    found = judge_document(text_facts(text), "doc", TRAINING_INTRO, "案例介绍.doc")
    assert rule(found, "doc.sections") == [Finding(
        "doc.sections", INFO, "以下部分按相近的写法识别：“案例背景”按“基本情况”识别；“主要成效”按“经验与成效”识别。",
        "案例介绍.doc", TRAINING_SECTIONS, "基本情况、经验与成效 按相近写法找到", None, "case_intro")]


def test_a_section_found_from_table_labels_says_so():
    text = "\n".join(["授课班级｜授课时间｜授课地点", *VOC_PLAN["doc"]["sections"][1:]])
    found = judge_document(pdf_facts(text), "pdf", VOC_PLAN, "教案.pdf")
    assert [(f.level, f.message, f.actual) for f in found] == [
        (INFO, "以下部分按相近的写法识别：表格中的“授课班级、授课时间、授课地点”按“授课信息”识别。", "授课信息 按相近写法找到")]


def test_without_a_catalogue_the_rules_files_other_names_are_used():
    text = "案例背景\n过程与举措\n经验与成效\n特色与创新"
    found = judge_document(text_facts(text), "doc", TRAINING_INTRO, "a.doc", catalogue=None)
    assert [f.level for f in rule(found, "doc.sections")] == [INFO]
    found = judge_document(text_facts(text), "doc", TRAINING_INTRO, "a.doc", catalogue={})
    assert [(f.level, f.message) for f in rule(found, "doc.sections")] == [(ERROR, "文档缺少必需的部分：基本情况。")]


def test_missing_sections_say_which_were_found_and_how_to_add_them():
    found = judge_document(text_facts("过程与举措\n特色与创新"), "doc", TRAINING_INTRO, "案例介绍.doc")
    assert rule(found, "doc.sections") == [Finding(
        "doc.sections", ERROR, "文档缺少必需的部分：基本情况、经验与成效。", "案例介绍.doc", TRAINING_SECTIONS,
        "已找到：过程与举措、特色与创新",
        "在文档中加上这些小标题，单独成行（如“一、基本情况”），可使用 Word 的“标题”样式或加粗。", "case_intro")]


def test_no_section_found_at_all():
    found = judge_document(docx_facts(["我们的做法很多。"]), "docx", TRAINING_INTRO, "案例介绍.docx")
    assert [(f.message, f.actual) for f in found] == [
        ("文档缺少必需的部分：基本情况、过程与举措、经验与成效、特色与创新。", "一个也没有找到")]


def test_the_level_of_missing_sections_comes_from_the_item_and_defaults_to_error():
    found = judge_document(pdf_facts("案例名称"), "pdf", VOC_INTRO, "案例介绍.pdf")
    assert [(f.rule, f.level) for f in found] == [("doc.sections", WARNING)]
    no_level = {"key": "notes", "name": "说明", "accepts": ["word"], "doc": {"sections": ["基本情况"]}}
    assert [(f.rule, f.level) for f in judge_document(docx_facts(["正文。"]), "docx", no_level, "说明.docx")] == [
        ("doc.sections", ERROR)]


# --- doc.length ----------------------------------------------------------------------------------

def test_a_docx_over_the_limit_says_how_much_to_cut():
    found = judge_document(docx_facts(["教学实施报告"], word_count=3001), "docx", VOC_REPORT, "报告.docx")
    assert found == [Finding("doc.length", ERROR, "“教学实施报告”超出字数限制：3001 字，要求 3000 字以内。", "报告.docx",
                             "≤ 3000 字", "3001 字", "删减至少 1 字（按 Word“审阅→字数统计”中的“字数”计算）。", "report")]


def test_a_pdf_at_the_top_of_its_band_warns_and_one_more_fails():
    """3 % of 3000 is 90: a PDF read as 3090 字 may be Word's 3000 plus page furniture."""
    pdf_note = "（PDF 按页面文字统计，已去掉页眉、页脚和页码）"
    found = judge_document(pdf_facts("报告", word_count=3090), "pdf", VOC_REPORT, "报告.pdf")
    assert found == [Finding("doc.length", WARNING, f"“教学实施报告”超出字数限制：3090 字，要求 3000 字以内{pdf_note}。",
                             "报告.pdf", "≤ 3000 字", "3090 字", "删减至少 90 字（按 Word“审阅→字数统计”中的“字数”计算）。",
                             "report")]
    f, = judge_document(pdf_facts("报告", word_count=3091), "pdf", VOC_REPORT, "报告.pdf")
    assert (f.level, f.message) == (ERROR, f"“教学实施报告”超出字数限制：3091 字，要求 3000 字以内{pdf_note}。")


def test_an_old_word_file_is_counted_from_its_text():
    found = judge_document(text_facts("字" * 3001), "doc", VOC_REPORT, "报告.doc")
    assert [(f.rule, f.level, f.actual) for f in found] == [("doc.format", INFO, "旧版 Word 97-2003 .doc 文件"),
                                                            ("doc.length", ERROR, "3001 字")]
    assert rule(judge_document(text_facts("字" * 3000), "doc", VOC_REPORT, "报告.doc"), "doc.length") == []


def test_a_pdf_without_text_cannot_be_counted():
    found = judge_document(pdf_facts("", word_count=0), "pdf", VOC_REPORT, "报告.pdf")
    assert found == [Finding("doc.length", WARNING, "PDF 中没有可提取的文字（可能是扫描件），无法检查字数。", "报告.pdf",
                             "≤ 3000 字", "无法统计", "请在 Word 中用“审阅→字数统计”自行核对。", "report")]


def test_a_docx_is_counted_from_its_inspector_count_alone():
    assert judge_document(docx_facts([], word_count=3001), "docx", VOC_REPORT, "报告.docx")[0].actual == "3001 字"
    f, = judge_document(docx_facts([]) | {"word_count": None}, "docx", VOC_REPORT, "报告.docx")
    assert (f.level, f.message, f.actual) == (WARNING, "无法读取这个文件的文字，无法检查字数。", "无法统计")


def test_a_limit_written_as_text_and_an_item_without_a_name():
    notes = {"key": "notes", "accepts": ["word"], "doc": {"max_words": "10"}}
    f, = judge_document(docx_facts(["x"], word_count=11), "docx", notes, "说明.docx")
    assert (f.message, f.expected) == ("“文档”超出字数限制：11 字，要求 10 字以内。", "≤ 10 字")
