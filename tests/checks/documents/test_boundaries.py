"""doc.length at its limit, on real .docx and PDF files: the same 字 count is judged by format.

The limit is read from data/rules/contest.yaml (the 教学实施报告 item's `doc.max_words`). Word's count
is exact, so a .docx one 字 over fails; a PDF's text may carry page numbers and headers, so a PDF
over by at most 3 % only warns. The expected verdicts are computed here, not by the judge.
"""
from __future__ import annotations

import pytest
import yaml

from checks.documents import docx as docx_facts
from checks.documents import pdf as pdf_facts
from checks.documents.rules import judge_document
from samplegen.docs import make_docx_words, make_text_pdf
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
REPORT = next(i for i in RULES["projects"]["vocational_practice"]["items"] if i["key"] == "report")
LIMIT = int(REPORT["doc"]["max_words"])                     # 3000 字
PDF_BAND = 3                                                 # percent over the limit a PDF may read
PDF_BAND_TOP = LIMIT + LIMIT * PDF_BAND // 100               # 3090 字


def _docx(tmp_path, n: int) -> dict:
    with open(make_docx_words(tmp_path / f"{n}.docx", n), "rb") as f:
        return docx_facts.from_stream(f)


def _pdf(tmp_path, n: int) -> dict:
    """A born-digital PDF whose text is exactly `n` CJK characters (25 to a line)."""
    lines = ["教" * 25] * (n // 25) + (["学" * (n % 25)] if n % 25 else [])
    with open(make_text_pdf(tmp_path / f"{n}.pdf", lines), "rb") as f:
        return pdf_facts.from_stream(f)


def _verdict(facts: dict, kind: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.level, f.actual) for f in judge_document(facts, kind, REPORT, f"教学实施报告.{kind}")]


@pytest.mark.parametrize("n", [LIMIT - 1, LIMIT, LIMIT + 1, PDF_BAND_TOP, PDF_BAND_TOP + 1])
def test_docx_over_the_limit_by_one_fails(tmp_path, n):
    want = [] if n <= LIMIT else [("doc.length", "error", f"{n} 字")]
    assert _verdict(_docx(tmp_path, n), "docx") == want


@pytest.mark.parametrize("n", [LIMIT, LIMIT + 1, PDF_BAND_TOP, PDF_BAND_TOP + 1])
def test_pdf_within_its_band_only_warns(tmp_path, n):
    if n <= LIMIT:
        want = []
    elif n <= PDF_BAND_TOP:
        want = [("doc.length", "warning", f"{n} 字")]
    else:
        want = [("doc.length", "error", f"{n} 字")]
    assert _verdict(_pdf(tmp_path, n), "pdf") == want


def test_same_count_as_docx_and_as_pdf(tmp_path):
    n = LIMIT + 1
    assert _verdict(_docx(tmp_path, n), "docx") == [("doc.length", "error", f"{n} 字")]
    assert _verdict(_pdf(tmp_path, n), "pdf") == [("doc.length", "warning", f"{n} 字")]


def test_over_limit_message_names_the_count_and_how_much_to_cut(tmp_path):
    found = judge_document(_docx(tmp_path, LIMIT + 1), "docx", REPORT, "教学实施报告.docx")
    assert found[0].message == f"“{REPORT['name']}”超出字数限制：{LIMIT + 1} 字，要求 {LIMIT} 字以内。"
    assert found[0].expected == f"≤ {LIMIT} 字"
    assert found[0].fix.startswith("删减至少 1 字")
