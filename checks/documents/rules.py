"""Judges for documents: doc.format, doc.sections, doc.length, pdf.scanned, file.readable.

Pure functions over inspector facts (docx_facts, pdf_facts, legacy_doc) and an item spec from
data/rules/contest.yaml; no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from checks.documents.docx import strip_numbering
from checks.findings import ERROR, WARNING, Finding
from checks.documents.wordcount import word_count

# The document kinds of contest.yaml's kind_groups (judges do no I/O, so they are restated here;
# tests/test_docs_rules.py checks they agree with the rules file).
DOC_KIND_GROUPS = {
    "word": ("docx",),
    "legacy_word": ("doc", "wps", "rtf", "word_html", "word_xml"),
    "pdf": ("pdf",),
}
LEGACY_KINDS = DOC_KIND_GROUPS["legacy_word"]

_WHAT_IT_IS = {
    "doc": "这是旧版 Word 97-2003 .doc 文件",
    "wps": "这是 WPS 文件（.wps 格式）",
    "rtf": "这是 RTF 格式文件（不是 .docx）",
    "word_html": "这是另存为网页（HTML/MHT）格式的文件，只是扩展名像 Word",
    "word_xml": "这是 Word 2003 XML 格式文件（不是 .docx）",
    "pdf": "这是 PDF 文件",
}
SAVE_AS_DOCX = "用 Word 或 WPS 打开后 另存为 .docx（文件类型选“Word 文档(*.docx)”）"

SHORT_LINE_CHARS = 30          # a fallback candidate longer than this is prose, not a section title
PDF_LENGTH_TOLERANCE = 0.03    # PDF text may carry page numbers and headers: over by this much is a warning
_CONJUNCTIONS = re.compile(r"[和及与、&＆/／]")
_LABEL_END = re.compile(r"^[:：]")


def judge_document(facts: dict[str, Any], kind: str, item_spec: dict[str, Any], path: str | None,
                   kind_groups: dict[str, Iterable[str]] | None = None) -> list[Finding]:
    """doc.format, doc.sections and doc.length for one document file of a required item."""
    groups = kind_groups or DOC_KIND_GROUPS
    key = item_spec.get("key")
    out: list[Finding] = []

    if kind in LEGACY_KINDS and facts.get("encrypted"):
        return [Finding("file.readable", ERROR, "文档设置了打开密码，评审无法打开。", path=path, item=key,
                        expected="无密码的 Word（.docx）文件", actual="已加密",
                        fix="在 Word 中“文件→信息→保护文档→用密码进行加密”清空密码后，另存为 .docx。")]
    if kind == "pdf" and facts.get("needs_password"):
        if not (item_spec.get("pdf") or {}).get("scanned"):      # judge_pdf_form already says it
            out.append(_pdf_password_finding(path, key))
        return out

    fmt = _format_finding(kind, item_spec, path, groups)
    if fmt:
        out.append(fmt)

    doc = item_spec.get("doc") or {}
    if not doc:
        return out
    text_lines, headings, usable = _text_of(facts, kind)
    if doc.get("sections"):
        out += _judge_sections(doc, text_lines, headings, usable, kind, path, key)
    if doc.get("max_words"):
        out += _judge_length(doc, facts, text_lines, usable, kind, path, key, item_spec.get("name") or "文档")
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

def _format_finding(kind: str, item_spec: dict, path, groups) -> Finding | None:
    accepts = item_spec.get("accepts") or []
    if "any" in accepts:
        return None
    accepted = {k for g in accepts for k in groups.get(g, ())}
    if kind in accepted:
        return None
    key = item_spec.get("key")
    wants_word = "word" in accepts
    wants_pdf = "pdf" in accepts
    expected = item_spec.get("format_text") or ("Word 或 PDF" if wants_word and wants_pdf else "Word（.docx）")
    name = item_spec.get("name") or "文档"
    what = _WHAT_IT_IS.get(kind, f"这是 {kind} 格式文件")
    if kind in LEGACY_KINDS and wants_word:
        # "Word 或 PDF" items: an old .doc is still Word to most people; only WPS's own format and
        # Word-only items are errors.
        level = WARNING if wants_pdf and kind != "wps" else ERROR
        need = "Word（.docx）或 PDF" if wants_pdf else "Word（.docx）"
        return Finding("doc.format", level, f"“{name}”需要 {need} 文件，{what}。", path=path, item=key,
                       expected=expected, actual=what.removeprefix("这是"),
                       fix=SAVE_AS_DOCX + ("，或导出为 PDF。" if wants_pdf else "。"))
    if kind == "pdf" and wants_word:
        return Finding("doc.format", ERROR, f"“{name}”需要 Word（.docx）文件，{what}。", path=path, item=key,
                       expected=expected, actual="PDF 文件",
                       fix="提交原始的 Word（.docx）文档；只有 PDF 时请用 Word 打开 PDF 后另存为 .docx 并核对排版。")
    if kind == "docx" and wants_pdf and not wants_word:
        return Finding("doc.format", ERROR, f"“{name}”需要 PDF 文件，这是 Word 文档。", path=path, item=key,
                       expected=expected, actual="Word 文档（.docx）", fix="在 Word 中“另存为 PDF”后提交。")
    return None


# --- text in a common shape -----------------------------------------------------------------------

def _text_of(facts: dict, kind: str) -> tuple[list[str], list[str], bool]:
    """(all lines and cells, heading texts, whether any text could be read)."""
    if kind == "docx":
        lines = [p for p in facts.get("paragraphs") or [] if p.strip()]
        headings = [h["text"] for h in facts.get("headings") or []]
        return lines, headings, True
    text = facts.get("text")
    if not text:
        return [], [], False
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines, [], True


def _canon(text: str) -> str:
    t = strip_numbering(text)
    t = unicodedata.normalize("NFKC", t)
    t = _CONJUNCTIONS.sub("与", t)
    return re.sub(r"[\s\u3000]+", "", t)


def _section_found(section: str, headings: list[str], lines: list[str]) -> str | None:
    """The heading or line that stands for `section`, or None."""
    want = _canon(section)
    if not want:
        return None
    for h in headings:
        if want in _canon(h):
            return h
    for line in lines:
        c = _canon(line)
        if not c:
            continue
        if len(c) <= SHORT_LINE_CHARS and want in c:
            return line
        if c.startswith(want) and _LABEL_END.match(c[len(want):]):   # "授课信息：……" form lines
            return line
    return None


# --- doc.sections ---------------------------------------------------------------------------------

def _judge_sections(doc, lines, headings, usable, kind, path, key) -> list[Finding]:
    required = [str(s) for s in doc["sections"]]
    level = doc.get("sections_level") or ERROR
    expected = "、".join(required)
    if not usable:
        return [Finding("doc.sections", WARNING, _no_text_message(kind, "是否包含必需的部分"), path=path,
                        item=key, expected=expected, actual="无法读取文字",
                        fix="请人工核对；最好提交 Word（.docx）原文件。")]
    found, missing = [], []
    for s in required:
        (found if _section_found(s, headings, lines) else missing).append(s)
    if not missing:
        return []
    return [Finding(
        "doc.sections", level, f"文档缺少必需的部分：{'、'.join(missing)}。", path=path, item=key,
        expected=expected, actual=("已找到：" + "、".join(found)) if found else "一个也没有找到",
        fix=f"在文档中加上这些小标题，单独成行（如“一、{missing[0]}”），可使用 Word 的“标题”样式或加粗。")]


def _no_text_message(kind: str, what: str) -> str:
    if kind == "pdf":
        return f"PDF 中没有可提取的文字（可能是扫描件），无法检查{what}。"
    return f"无法读取这个文件的文字，无法检查{what}。"


# --- doc.length -----------------------------------------------------------------------------------

def _judge_length(doc, facts, lines, usable, kind, path, key, name) -> list[Finding]:
    limit = int(doc["max_words"])
    expected = f"≤ {limit} 字"
    if not usable:
        return [Finding("doc.length", WARNING, _no_text_message(kind, "字数"), path=path, item=key,
                        expected=expected, actual="无法统计", fix="请在 Word 中用“审阅→字数统计”自行核对。")]
    count = facts.get("word_count")
    if kind != "docx" or count is None:
        count = word_count("\n".join(lines))
    if count <= limit:
        return []
    over = count - limit
    level = ERROR
    note = ""
    if kind == "pdf":
        note = "（PDF 按提取出的文字估算，可能含页眉页脚和页码）"
        if over <= limit * PDF_LENGTH_TOLERANCE:
            level = WARNING
    return [Finding("doc.length", level, f"“{name}”超出字数限制：{count} 字，要求 {limit} 字以内{note}。",
                    path=path, item=key, expected=expected, actual=f"{count} 字",
                    fix=f"删减至少 {over} 字（按 Word“审阅→字数统计”中的“字数”计算）。")]
