"""Judges for documents: doc.format, doc.sections, doc.length, pdf.scanned, file.readable.

Pure functions over inspector facts (docx_facts, pdf_facts, legacy_doc) and an item spec from
data/rules/contest.yaml; no I/O.
"""
from __future__ import annotations

from typing import Any, Iterable

from checks.documents.legacy import PASSWORD_MESSAGE
from checks.documents.sections import match_sections
from checks.documents.wordcount import word_count
from checks.findings import ERROR, INFO, WARNING, Finding

# The document kinds of contest.yaml's kind_groups (judges do no I/O, so they are restated here;
# tests/checks/documents/test_rules.py checks they agree with the rules file).
DOC_KIND_GROUPS = {
    "word": ("docx", "doc", "wps"),
    "docx": ("docx",),
    "legacy_word": ("doc", "wps", "rtf", "word_html", "word_xml", "docx_encrypted", "doc_encrypted"),
    "pdf": ("pdf",),
}
LEGACY_KINDS = DOC_KIND_GROUPS["legacy_word"]
OLD_WORD_KINDS = ("doc", "wps")          # Word's own binary format: Word, but only its text is checked

_WHAT_IT_IS = {
    "doc": "这是旧版 Word 97-2003 .doc 文件",
    "wps": "这是 WPS 文件（.wps 格式）",
    "rtf": "这是 RTF 格式文件（不是 .docx）",
    "word_html": "这是另存为网页（HTML/MHT）格式的文件，只是扩展名像 Word",
    "word_xml": "这是 Word 2003 XML 格式文件（不是 .docx）",
    "pdf": "这是 PDF 文件",
}
SAVE_AS_DOCX = "用 Word 或 WPS 打开后 另存为 .docx（文件类型选“Word 文档(*.docx)”）"


PDF_LENGTH_TOLERANCE = 0.03     # a PDF up to 3 % over the limit: warning (extraction is an estimate)

def judge_document(facts: dict[str, Any], kind: str, item_spec: dict[str, Any], path: str | None,
                   kind_groups: dict[str, Iterable[str]] | None = None,
                   catalogue: dict[str, Any] | None = None) -> list[Finding]:
    """doc.format, doc.sections and doc.length for one document file of a required item.

    `catalogue` is contest.yaml's `sections:` block; without it the validated rules' block is used.
    """
    groups = kind_groups or DOC_KIND_GROUPS
    key = item_spec.get("key")
    out: list[Finding] = []

    if facts.get("encrypted") and kind != "pdf":
        return [Finding("file.readable", ERROR, PASSWORD_MESSAGE, path=path, item=key,
                        expected="无密码的 Word 文件", actual="设置了打开密码",
                        fix="在 Word 中“文件→信息→保护文档→用密码进行加密”清空密码（WPS：“文件→文档加密”），保存后重新提交。")]
    if kind == "pdf" and facts.get("needs_password"):
        if not (item_spec.get("pdf") or {}).get("scanned"):      # judge_pdf_form already says it
            out.append(_pdf_password_finding(path, key))
        return out

    fmt = _format_finding(kind, facts, item_spec, path, groups)
    if fmt:
        out.append(fmt)

    doc = item_spec.get("doc") or {}
    if not doc:
        return out
    if doc.get("sections"):
        if catalogue is None:
            from checks.rules import load_rules     # cached; the engine may pass the block itself
            catalogue = load_rules().get("sections") or {}
        out += _judge_sections(doc, facts, kind, path, key, catalogue)
    if doc.get("max_words"):
        out += _judge_length(doc, facts, kind, path, key, item_spec.get("name") or "文档")
    return out


def judge_pdf_form(facts: dict[str, Any], item_spec: dict[str, Any], path: str | None) -> list[Finding]:
    """A registration form must be a signed scan (pdf.scanned) that opens without a password."""
    key = item_spec.get("key")
    if facts.get("needs_password"):
        return [_pdf_password_finding(path, key)]
    if not (item_spec.get("pdf") or {}).get("scanned"):
        return []
    if facts.get("looks_scanned"):
        return []
    expected = "签字后扫描的 PDF（每页是扫描图像）"
    fix = "打印表格，签字（盖章）后扫描成 PDF 再提交。"
    if not facts.get("pages_with_images"):
        return [Finding("pdf.scanned", WARNING, "看起来不是签字后的扫描件：PDF 页面上没有任何图像（像是由 Word 直接导出的）。",
                        path=path, item=key, expected=expected, actual="无页面图像", fix=fix)]
    pct = round(100 * float(facts.get("image_coverage") or 0))
    return [Finding("pdf.scanned", WARNING,
                    f"看起来不是签字后的扫描件：页面上的图像最多只占页面的 {pct}%（扫描件应整页是图像）。",
                    path=path, item=key, expected=expected, actual=f"图像最多覆盖页面 {pct}%", fix=fix)]


def _pdf_password_finding(path, key) -> Finding:
    return Finding("file.readable", ERROR, "PDF 设置了打开密码，评审无法打开。", path=path, item=key,
                   expected="无需密码即可打开的 PDF", actual="需要打开密码",
                   fix="去掉打开密码后重新导出或重新扫描成 PDF。")


# --- doc.format -------------------------------------------------------------------------------

def _format_finding(kind: str, facts: dict, item_spec: dict, path, groups) -> Finding | None:
    accepts = item_spec.get("accepts") or []
    if "any" in accepts:
        return None
    key = item_spec.get("key")
    name = item_spec.get("name") or "文档"
    accepted = {k for g in accepts for k in groups.get(g, ())}
    if kind in accepted:
        return _old_word_advice(kind, facts, name, path, key) if kind in OLD_WORD_KINDS else None
    wants_word = "word" in accepts
    wants_pdf = "pdf" in accepts
    expected = item_spec.get("format_text") or ("Word 或 PDF" if wants_word and wants_pdf else "Word（.docx）")
    what = _WHAT_IT_IS.get(kind, f"这是 {kind} 格式文件")
    if kind in LEGACY_KINDS and wants_word:
        # RTF, web pages and Word 2003 XML are not Word's own formats; where PDF also does, the
        # text is still judged, so only a warning.
        level = WARNING if wants_pdf else ERROR
        need = "Word（.docx/.doc）或 PDF" if wants_pdf else "Word（.docx/.doc）"
        return Finding("doc.format", level, f"“{name}”需要 {need} 文件，{what}。", path=path, item=key,
                       expected=expected, actual=what.removeprefix("这是").lstrip(),
                       fix=SAVE_AS_DOCX + ("，或导出为 PDF。" if wants_pdf else "。"))
    if kind == "pdf" and wants_word:
        return Finding("doc.format", ERROR, f"“{name}”需要 Word（.docx）文件，{what}。", path=path, item=key,
                       expected=expected, actual="PDF 文件",
                       fix="提交原始的 Word（.docx）文档；只有 PDF 时请用 Word 打开 PDF 后另存为 .docx 并核对排版。")
    if kind == "docx" and wants_pdf and not wants_word:
        return Finding("doc.format", ERROR, f"“{name}”需要 PDF 文件，这是 Word 文档。", path=path, item=key,
                       expected=expected, actual="Word 文档（.docx）", fix="在 Word 中“另存为 PDF”后提交。")
    return None


def _old_word_advice(kind: str, facts: dict, name: str, path, key) -> Finding:
    """A .doc/.wps is Word as the notice means it; say only how far it could be checked."""
    what = _WHAT_IT_IS[kind]
    actual = what.removeprefix("这是").lstrip()
    if facts.get("text"):
        return Finding("doc.format", INFO, f"{what}，已按 Word 格式接受并检查了其中的文字；建议另存为 .docx，评审打开更方便。",
                       path=path, item=key, expected="Word（.docx）", actual=actual, fix=SAVE_AS_DOCX + "。")
    return Finding("doc.format", WARNING, f"{what}，属于 Word 格式，但读不出其中的文字，“{name}”的内容无法检查；建议另存为 .docx。",
                   path=path, item=key, expected="Word（.docx）", actual=actual + "（无法读取文字）",
                   fix=SAVE_AS_DOCX + "，再重新检查。")


# --- doc.sections ---------------------------------------------------------------------------------

def _judge_sections(doc, facts, kind, path, key, catalogue) -> list[Finding]:
    required = [str(s) for s in doc["sections"]]
    level = doc.get("sections_level") or ERROR
    expected = "、".join(required)
    m = match_sections(facts, kind, required, catalogue)
    if not m.readable:
        return [Finding("doc.sections", WARNING, _no_text_message(kind, "是否包含必需的部分"), path=path,
                        item=key, expected=expected, actual="无法读取文字",
                        fix="请人工核对；最好提交 Word（.docx）原文件。")]
    out: list[Finding] = []
    near = m.near()
    if near:
        said = "；".join(f"表格中的“{text}”按“{s}”识别" if how == "table" else f"“{text}”按“{s}”识别"
                        for s, text, how in near)
        out.append(Finding("doc.sections", INFO, f"以下部分按相近的写法识别：{said}。", path=path, item=key,
                           expected=expected, actual="、".join(s for s, _t, _h in near) + " 按相近写法找到"))
    if m.missing:
        found = [s for s in required if s in m.found]
        out.append(Finding(
            "doc.sections", level, f"文档缺少必需的部分：{'、'.join(m.missing)}。", path=path, item=key,
            expected=expected, actual=("已找到：" + "、".join(found)) if found else "一个也没有找到",
            fix=f"在文档中加上这些小标题，单独成行（如“一、{m.missing[0]}”），可使用 Word 的“标题”样式或加粗。"))
    return out


def _no_text_message(kind: str, what: str) -> str:
    if kind == "pdf":
        return f"PDF 中没有可提取的文字（可能是扫描件），无法检查{what}。"
    return f"无法读取这个文件的文字，无法检查{what}。"


# --- doc.length -----------------------------------------------------------------------------------

def _judge_length(doc, facts, kind, path, key, name) -> list[Finding]:
    limit = int(doc["max_words"])
    expected = f"≤ {limit} 字"
    count = facts.get("word_count")
    if count is None and facts.get("text"):
        count = word_count(facts["text"])
    if count is None or (kind != "docx" and not facts.get("text")):
        return [Finding("doc.length", WARNING, _no_text_message(kind, "字数"), path=path, item=key,
                        expected=expected, actual="无法统计", fix="请在 Word 中用“审阅→字数统计”自行核对。")]
    if count <= limit:
        return []
    over = count - limit
    # Inspectors already leave out what Word does not count (running headers, footers, page numbers).
    # A PDF's count is still read back from laid-out pages (columns, text drawn as outlines, split
    # words), so just over the limit it is a warning for a person to confirm, not a disqualification.
    note = "（PDF 按页面文字统计，已去掉页眉、页脚和页码）" if kind == "pdf" else ""
    level = WARNING if kind == "pdf" and over <= limit * PDF_LENGTH_TOLERANCE else ERROR
    return [Finding("doc.length", level, f"“{name}”超出字数限制：{count} 字，要求 {limit} 字以内{note}。",
                    path=path, item=key, expected=expected, actual=f"{count} 字",
                    fix=f"删减至少 {over} 字（按 Word“审阅→字数统计”中的“字数”计算）。")]
