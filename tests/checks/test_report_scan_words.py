"""Reports speak Chinese about the scan type and frame-rate mode: a progressive video reads 逐行, an
interlaced one (x264 writes MBAFF) 隔行, constant frame rate 恒定帧率, in the video table of the
self-check page (video_rows), the HTML report and the Excel report. The facts keep MediaInfo's values."""
from __future__ import annotations

import io

import pytest

from checks import check_paths
from checks.report.html import render_html, render_xlsx, video_rows
from samplegen.media import make_video


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    make_video(root / "逐行.mp4", seconds=1, width=640, height=360)
    make_video(root / "隔行.mp4", seconds=1, width=640, height=360, interlaced=True)
    return check_paths([root / "逐行.mp4", root / "隔行.mp4"], project="vocational_practice")


def test_video_table_says_progressive_and_interlaced_in_chinese(report):
    rows = {r["文件"].rsplit("/", 1)[-1]: r for r in video_rows(report)}
    assert rows["逐行.mp4"]["扫描"] == "逐行"
    assert rows["隔行.mp4"]["扫描"] == "隔行"
    assert rows["逐行.mp4"]["帧率"] == "25 帧/秒（恒定帧率）"
    facts = {f.path.rsplit("/", 1)[-1]: f.facts["video"][0] for f in report.files}
    assert (facts["逐行.mp4"]["scan_type"], facts["隔行.mp4"]["scan_type"]) == ("Progressive", "MBAFF")


def test_html_and_excel_reports_use_the_chinese_words(report):
    html = render_html(report)
    assert "<td>逐行</td>" in html and "<td>隔行</td>" in html
    for english in ("Progressive", "MBAFF", "Interlaced", "（CFR）"):
        assert english not in html
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"逐行", "隔行"} <= cells
    assert not any(v in ("Progressive", "MBAFF") for v in cells)
