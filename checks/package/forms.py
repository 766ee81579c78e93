"""Checks on what a teacher types into the registration form: the title and the 300-字 fields.

The scanned form cannot be read reliably, so the self-check page asks the teacher to paste these
fields and judges them here (rules title.book_marks, form.field_length, form.authors).
"""
from __future__ import annotations

import re

from checks.findings import ERROR, Finding
from checks.rules import load_rules, project
from checks.documents.wordcount import word_count

# 书名号 and the marks people use in their place (angle brackets, guillemets, CJK angle quotes).
_BOOK_MARKS = "《》〈〉<>«»‹›＜＞︽︾︿﹀"
_BOOK_MARK_RE = re.compile(f"[{re.escape(_BOOK_MARKS)}]")


def count_chars(text: str) -> int:
    """字数 as Word counts it (the figure teachers see in Word's status bar)."""
    return word_count(text or "")


def strip_book_marks(title: str) -> str:
    return _BOOK_MARK_RE.sub("", title).strip()


def check_title(title: str, path: str | None = None) -> list[Finding]:
    title = (title or "").strip()
    found = sorted(set(_BOOK_MARK_RE.findall(title)))
    if not found:
        return []
    return [Finding(
        rule="title.book_marks", level=ERROR, path=path,
        message="作品名称中不能使用书名号《》（包括〈〉、<> 等替代符号）。",
        expected="不含书名号的作品名称", actual=f"含有 {' '.join(found)}：{title}",
        fix=f"改为：{strip_book_marks(title)}",
    )]


def check_form_fields(fields: dict[str, str], path: str | None = None) -> list[Finding]:
    """Each named free-text field of a registration form must be within the limit (300 字)."""
    limit = load_rules()["form_fields"]["max_chars"]
    findings = []
    for name, text in fields.items():
        n = count_chars(text)
        if n > limit:
            findings.append(Finding(
                rule="form.field_length", level=ERROR, path=path,
                message=f"登记表“{name}”一栏超过 {limit} 字。",
                expected=f"≤ {limit} 字", actual=f"{n} 字",
                fix=f"删减约 {n - limit} 字（按 Word“字数统计”的算法计数）。",
            ))
    return findings


def check_authors(project_key: str, n_authors: int, path: str | None = None) -> list[Finding]:
    limit = project(project_key)["max_authors"]
    if n_authors <= limit:
        return []
    name = project(project_key)["name"]
    return [Finding(
        rule="form.authors", level=ERROR, path=path,
        message=f"“{name}”每件作品作者不超过 {limit} 人。",
        expected=f"≤ {limit} 人", actual=f"{n_authors} 人",
        fix=f"作者名单减少 {n_authors - limit} 人。",
    )]


def form_field_names() -> list[str]:
    return list(load_rules()["form_fields"]["names"])
