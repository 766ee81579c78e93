"""Page furniture of a PDF: running headers, footers and page numbers, which Word's 字数 of the
original document never counts. Without removing them the same report is 3000 字 as .docx and
3051 字 as PDF, and the ≤ 3000 字 rule gives a different verdict for the same text.

Only lines at the top or bottom of a page are candidates: a line that recurs there on at least
half the pages (digits ignored, so "第 3 页" matches "第 4 页"), or a line that is a page number
by its form ("- 3 -", "第 3 页 共 10 页", "3/10", "Page 3 of 10").
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

EDGE_LINES = 3                # lines at each end of a page that may be furniture
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"[-—–~·•\s]*\d{1,4}[-—–~·•\s]*"                                   # 3 / - 3 - / — 3 —
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"          # 第 3 页 共 10 页
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"              # 共 10 页 第 3 页
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"                                      # 3/10
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"               # Page 3 of 10
    r")$", re.IGNORECASE)


def _key(line: str) -> str:
    return _DIGITS.sub("#", _SPACE.sub("", unicodedata.normalize("NFKC", line)))


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", line).strip()))


def strip_furniture(pages: list[str]) -> tuple[str, int]:
    """(the text of the pages without headers, footers and page numbers, lines removed)."""
    page_lines = [[ln for ln in (p or "").splitlines() if ln.strip()] for p in pages]
    running = _running_lines(page_lines)
    kept_pages: list[str] = []
    removed = 0
    for lines in page_lines:
        edge = set(range(min(EDGE_LINES, len(lines)))) | set(range(max(0, len(lines) - EDGE_LINES), len(lines)))
        kept = []
        for i, line in enumerate(lines):
            if i in edge and (_key(line) in running or is_page_number(line)):
                removed += 1
            else:
                kept.append(line)
        kept_pages.append("\n".join(kept))
    return "\n".join(kept_pages), removed


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Keys of lines found once per page at a page's edge on at least half the pages."""
    if len(page_lines) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in page_lines:
        on_page = Counter(_key(ln) for ln in lines)
        edge = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
        seen.update({k for k in map(_key, edge) if on_page[k] == 1})   # body text repeats within a page
    need = max(2, math.ceil(len(page_lines) / 2))
    return {k for k, n in seen.items() if n >= need}
