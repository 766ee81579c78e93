"""Document judges on facts from real files, with the item specs of data/rules/contest.yaml."""
import io

import pytest

from checks.documents import rules as doc_rules
from checks.documents import docx as docx_facts
from checks.documents import legacy as legacy_doc
from checks.documents import pdf as pdf_facts
from checks.documents.text import comparable, extract_text
from checks.rules import load_rules
from samplegen.docs import (make_docx, make_docx_words, make_encrypted_pdf, make_legacy_doc_bytes,
                            make_rtf_bytes, make_scan_pdf, make_text_pdf, make_word_html_bytes,
                            make_word_xml_bytes)

RULES = load_rules()


def item(project, key):
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


TRAINING_INTRO = item("training_case", "case_intro")          # Word only, 4 sections, error
VOC_INTRO = item("vocational_practice", "case_intro")          # Word or PDF, 6 sections, warning
VOC_PLAN = item("vocational_practice", "lesson_plan")          # Word or PDF, 7 sections, error
VOC_REPORT = item("vocational_practice", "report")             # Word or PDF, ≤ 3000 字
FORM = item("training_case", "info_form")                      # signed scanned PDF
TRAINING_SECTIONS = TRAINING_INTRO["doc"]["sections"]
BODY = "本部分介绍具体做法和取得的效果，内容较长，不是标题。"


def docx(path):
    with open(path, "rb") as f:
        return docx_facts.from_stream(f)


def pdf(path):
    with open(path, "rb") as f:
        return pdf_facts.from_stream(f)


def legacy(data, kind):
    return legacy_doc.from_stream(io.BytesIO(data), kind)


def rules_of(findings):
    return sorted((f.rule, f.level) for f in findings)


def test_doc_kind_groups_agree_with_the_rules_file():
    for group, kinds in doc_rules.DOC_KIND_GROUPS.items():
        assert tuple(RULES["kind_groups"][group]) == kinds


# --- doc.format ----------------------------------------------------------------------------------

def test_docx_where_word_is_required_passes(tmp_path):
    f = docx(make_docx(tmp_path / "a.docx", sections=[(s, BODY) for s in TRAINING_SECTIONS]))
    assert doc_rules.judge_document(f, "docx", TRAINING_INTRO, "a.docx") == []


def test_real_ole2_doc_where_word_is_required_is_word():
    # The notice's "Word 格式" includes Word 97-2003: accepted, with advice only.
    facts = legacy(make_legacy_doc_bytes(TRAINING_SECTIONS), "doc")
    assert facts["tool"] == "catdoc" and facts["text"].splitlines() == TRAINING_SECTIONS
    found = doc_rules.judge_document(facts, "doc", TRAINING_INTRO, "案例介绍.doc")
    assert rules_of(found) == [("doc.format", "info")]
    fmt = found[0]
    assert "这是旧版 Word 97-2003 .doc 文件，已按 Word 格式接受" in fmt.message
    assert "另存为 .docx" in fmt.fix and fmt.item == "case_intro" and fmt.path == "案例介绍.doc"


def test_wps_is_word_too():
    facts = legacy(make_legacy_doc_bytes(VOC_PLAN["doc"]["sections"]), "wps")
    found = doc_rules.judge_document(facts, "wps", VOC_PLAN, "教案.wps")
    assert rules_of(found) == [("doc.format", "info")]
    assert "WPS 文件" in found[0].message
    found = doc_rules.judge_document(facts, "wps", TRAINING_INTRO | {"doc": {}}, "案例介绍.wps")
    assert rules_of(found) == [("doc.format", "info")]


def test_legacy_doc_where_word_or_pdf_is_allowed_is_accepted():
    facts = legacy(make_legacy_doc_bytes(VOC_PLAN["doc"]["sections"]), "doc")
    assert rules_of(doc_rules.judge_document(facts, "doc", VOC_PLAN, "教案.doc")) == [("doc.format", "info")]


@pytest.mark.parametrize("kind, data", [
    ("rtf", make_rtf_bytes(TRAINING_SECTIONS)),
    ("word_html", make_word_html_bytes(TRAINING_SECTIONS)),
    ("word_html", make_word_html_bytes(TRAINING_SECTIONS, mht=True)),
    ("word_xml", make_word_xml_bytes(TRAINING_SECTIONS)),
])
def test_other_legacy_kinds_are_read_and_flagged(kind, data):
    facts = legacy(data, kind)
    assert facts["converted"] is True and facts["text"].splitlines() == TRAINING_SECTIONS
    found = doc_rules.judge_document(facts, kind, TRAINING_INTRO, "案例介绍.doc")
    assert rules_of(found) == [("doc.format", "error")]      # sections all present: only the format


def test_pdf_where_word_is_required(tmp_path):
    facts = pdf(make_text_pdf(tmp_path / "a.pdf", TRAINING_SECTIONS))
    found = doc_rules.judge_document(facts, "pdf", TRAINING_INTRO, "案例介绍.pdf")
    assert rules_of(found) == [("doc.format", "error")]
    assert "这是 PDF 文件" in found[0].message


def test_pdf_where_word_or_pdf_is_allowed_passes(tmp_path):
    facts = pdf(make_text_pdf(tmp_path / "a.pdf", VOC_PLAN["doc"]["sections"]))
    assert doc_rules.judge_document(facts, "pdf", VOC_PLAN, "教案.pdf") == []


def test_password_protected_word_file():
    data = bytearray(make_legacy_doc_bytes())
    data += "EncryptedPackage".encode("utf-16-le")       # the stream an encrypted .docx carries
    facts = legacy(bytes(data), "doc")
    assert facts["encrypted"] is True and facts["text"] is None
    assert rules_of(doc_rules.judge_document(facts, "doc", TRAINING_INTRO, "a.docx")) == [("file.readable", "error")]


# --- doc.sections --------------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["heading", "heading_cn", "based", "outline", "bold", "bold_style",
                                   "numbered", "table"])
def test_sections_found_in_every_heading_style(tmp_path, style):
    f = docx(make_docx(tmp_path / "a.docx", title="研修案例", sections=[(s, BODY) for s in TRAINING_SECTIONS],
                       heading_style=style))
    assert doc_rules.judge_document(f, "docx", TRAINING_INTRO, "a.docx") == []


def test_missing_sections_are_listed(tmp_path):
    f = docx(make_docx(tmp_path / "a.docx", sections=[("基本情况", BODY), ("经验与成效", BODY)]))
    found = doc_rules.judge_document(f, "docx", TRAINING_INTRO, "a.docx")
    assert rules_of(found) == [("doc.sections", "error")]
    fnd = found[0]
    assert fnd.message == "文档缺少必需的部分：过程与举措、特色与创新。"
    assert fnd.expected == "基本情况、过程与举措、经验与成效、特色与创新"
    assert fnd.actual == "已找到：基本情况、经验与成效"


def test_close_variants_and_longer_headings_match(tmp_path):
    f = docx(make_docx(tmp_path / "a.docx", heading_style="bold", sections=[
        ("一、案例基本情况", BODY), ("（二）过程和举措", BODY), ("三、经验及成效", BODY),
        ("四、特色、创新", BODY)]))
    assert doc_rules.judge_document(f, "docx", TRAINING_INTRO, "a.docx") == []


def test_a_word_inside_prose_is_not_a_section(tmp_path):
    f = docx(make_docx(tmp_path / "a.docx", sections=[(s, BODY) for s in TRAINING_SECTIONS[:3]],
                       extra_paragraphs=["我们在教学中不断探索特色与创新的结合方式，取得了一定成效，并形成了可推广的经验做法。"]))
    found = doc_rules.judge_document(f, "docx", TRAINING_INTRO, "a.docx")
    assert [f.message for f in found] == ["文档缺少必需的部分：特色与创新。"]


def test_form_like_label_lines_count_and_level_comes_from_the_spec(tmp_path):
    labels = VOC_INTRO["doc"]["sections"]
    lines = [f"{s}：这里填写的内容可能很长，超过三十个字也没有关系，因为这是表单式的写法。" for s in labels[:-1]]
    f = docx(make_docx(tmp_path / "a.docx", extra_paragraphs=lines))
    found = doc_rules.judge_document(f, "docx", VOC_INTRO, "案例介绍.docx")
    assert rules_of(found) == [("doc.sections", "warning")]
    assert found[0].message == "文档缺少必需的部分：创新点。"


def test_sections_in_a_pdf_by_lines(tmp_path):
    plan = VOC_PLAN["doc"]["sections"]
    ok = pdf(make_text_pdf(tmp_path / "ok.pdf", [f"{i + 1}. {s}" for i, s in enumerate(plan)]))
    assert doc_rules.judge_document(ok, "pdf", VOC_PLAN, "教案.pdf") == []
    short = pdf(make_text_pdf(tmp_path / "short.pdf", [f"{i + 1}. {s}" for i, s in enumerate(plan[:-2])]))
    found = doc_rules.judge_document(short, "pdf", VOC_PLAN, "教案.pdf")
    assert rules_of(found) == [("doc.sections", "error")]
    assert found[0].message == "文档缺少必需的部分：教学活动安排、课后反思。"


def test_scanned_pdf_sections_cannot_be_checked(tmp_path):
    found = doc_rules.judge_document(pdf(make_scan_pdf(tmp_path / "s.pdf")), "pdf", VOC_PLAN, "教案.pdf")
    assert rules_of(found) == [("doc.sections", "warning")]
    assert "没有可提取的文字" in found[0].message


def test_sections_in_a_legacy_doc_with_text():
    facts = legacy(make_legacy_doc_bytes(TRAINING_SECTIONS[:2]), "doc")
    found = doc_rules.judge_document(facts, "doc", TRAINING_INTRO, "a.doc")
    assert rules_of(found) == [("doc.format", "info"), ("doc.sections", "error")]
    assert found[1].message == "文档缺少必需的部分：经验与成效、特色与创新。"


# --- doc.length ----------------------------------------------------------------------------------

def test_report_at_the_limit_passes(tmp_path):
    f = docx(make_docx_words(tmp_path / "r.docx", 3000))
    assert doc_rules.judge_document(f, "docx", VOC_REPORT, "教学实施报告.docx") == []


def test_report_over_the_limit(tmp_path):
    f = docx(make_docx_words(tmp_path / "r.docx", 3142))
    found = doc_rules.judge_document(f, "docx", VOC_REPORT, "教学实施报告.docx")
    assert rules_of(found) == [("doc.length", "error")]
    assert (found[0].expected, found[0].actual) == ("≤ 3000 字", "3142 字")
    assert "142 字" in found[0].fix


def test_report_length_in_a_pdf(tmp_path):
    line = "信息化教学实施报告围绕课程目标展开课堂互动效果良好"       # 25 字
    over = pdf(make_text_pdf(tmp_path / "over.pdf", [line] * 160))   # 4000 字
    found = doc_rules.judge_document(over, "pdf", VOC_REPORT, "报告.pdf")
    assert rules_of(found) == [("doc.length", "error")] and found[0].actual == "4000 字"
    near = pdf(make_text_pdf(tmp_path / "near.pdf", [line] * 122))   # 3050 字: within the PDF's 3 % band
    assert rules_of(doc_rules.judge_document(near, "pdf", VOC_REPORT, "报告.pdf")) == [("doc.length", "warning")]
    fine = pdf(make_text_pdf(tmp_path / "ok.pdf", [line] * 100))
    assert doc_rules.judge_document(fine, "pdf", VOC_REPORT, "报告.pdf") == []


def test_report_length_of_a_scanned_pdf_cannot_be_counted(tmp_path):
    found = doc_rules.judge_document(pdf(make_scan_pdf(tmp_path / "s.pdf")), "pdf", VOC_REPORT, "报告.pdf")
    assert rules_of(found) == [("doc.length", "warning")] and found[0].actual == "无法统计"


# --- pdf.scanned and encrypted PDFs -----------------------------------------------------------------

def test_signed_scan_passes(tmp_path):
    assert doc_rules.judge_pdf_form(pdf(make_scan_pdf(tmp_path / "s.pdf")), FORM, "信息表.pdf") == []


def test_born_digital_form_is_not_a_scan(tmp_path):
    found = doc_rules.judge_pdf_form(pdf(make_text_pdf(tmp_path / "t.pdf", ["案例信息表"])), FORM, "信息表.pdf")
    assert rules_of(found) == [("pdf.scanned", "warning")]
    assert "看起来不是签字后的扫描件" in found[0].message and found[0].actual == "无页面图像"


def test_form_with_only_a_logo_is_not_a_scan(tmp_path):
    facts = pdf(make_text_pdf(tmp_path / "t.pdf", ["案例信息表"], image_box=(56, 700, 119, 84.2)))
    found = doc_rules.judge_pdf_form(facts, FORM, "信息表.pdf")
    assert rules_of(found) == [("pdf.scanned", "warning")] and found[0].actual == "图像最多覆盖页面 2%"


def test_user_password_pdf_is_unreadable_for_reviewers(tmp_path):
    facts = pdf(make_encrypted_pdf(tmp_path / "u.pdf", user_password="x"))
    found = doc_rules.judge_pdf_form(facts, FORM, "信息表.pdf")
    assert rules_of(found) == [("file.readable", "error")]
    assert found[0].message == "PDF 设置了打开密码，评审无法打开。"
    assert rules_of(doc_rules.judge_document(facts, "pdf", VOC_PLAN, "教案.pdf")) == [("file.readable", "error")]


def test_owner_password_only_pdf_is_judged_normally(tmp_path):
    facts = pdf(make_encrypted_pdf(tmp_path / "o.pdf", user_password=""))
    assert rules_of(doc_rules.judge_pdf_form(facts, FORM, "信息表.pdf")) == [("pdf.scanned", "warning")]


# --- text for cross-work comparison ---------------------------------------------------------------

def test_extract_text_is_the_same_across_formats(tmp_path):
    paras = ["基本情况", "本校位于城区。"]
    d = make_docx(tmp_path / "a.docx", extra_paragraphs=paras)
    p = make_text_pdf(tmp_path / "a.pdf", paras)
    texts = []
    for path, kind in ((d, "docx"), (p, "pdf")):
        with open(path, "rb") as f:
            texts.append(comparable(extract_text(f, kind)))
    texts.append(comparable(extract_text(io.BytesIO(make_legacy_doc_bytes(paras)), "doc")))
    texts.append(comparable(extract_text(io.BytesIO(make_rtf_bytes(paras)), "rtf")))
    assert set(texts) == {"基本情况本校位于城区"}
    assert extract_text(io.BytesIO(b"not a pdf"), "pdf") == ""


def test_broken_ole2_doc_still_gets_its_format_finding():
    import os
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(8192)
    facts = legacy(data, "doc")
    assert facts["text"] is None and facts["converted"] is False
    found = doc_rules.judge_document(facts, "doc", TRAINING_INTRO, "a.doc")
    assert rules_of(found) == [("doc.format", "warning"), ("doc.sections", "warning")]
    assert "读不出其中的文字" in found[0].message


def test_doc_kind_without_ole2_magic_is_unreadable():
    from checks.errors import Unreadable
    with pytest.raises(Unreadable) as exc:
        legacy(b"plain text pretending", "doc")
    assert exc.value.rule == "file.readable"
