"""Each file known by what it is: packages made the way teachers really make them, checked end to
end on real files, asserting the recognised item and the rule ids a careful 初审 clerk would give."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from checks import check_paths
from samplegen.docs import make_docx, make_docx_words, make_scan_pdf, make_text_pdf
from samplegen.media import make_video
from samplegen.packages import _SECTIONS, make_package, sample_text, sample_video

VOC = "vocational_practice"


def errors(report) -> list[tuple[str, str | None]]:
    return sorted((f.rule, f.path.rsplit("/", 1)[-1] if f.path else None)
                  for f in report.findings if f.level == "error")


def item_of(report, name: str) -> str | None:
    return next(f.item for f in report.files if f.path.endswith(name))


def why_of(report, name: str) -> str:
    return next(f.why for f in report.files if f.path.endswith(name))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("items-video")


@pytest.fixture
def voc(tmp_path, cache) -> Path:
    return make_package(tmp_path / "voc", VOC, cache_dir=cache)


@pytest.fixture
def fusion(tmp_path, cache) -> Path:
    level1 = make_package(tmp_path / "fusion", "fusion_case", cache_dir=cache)
    return next(level1.glob("*/*"))      # the work (level-3) folder


# --- resource videos beside the lesson recording ---------------------------------------------------

def test_resource_videos_are_not_the_recording_and_not_judged_by_its_spec(voc, cache, tmp_path):
    res = voc / "资源包"
    res.mkdir()
    shutil.copy(sample_video(cache, "fps30"), res / "课堂实录片段.mp4")          # 30 fps, 2 s
    shutil.copy(sample_video(cache, "fps30"), voc / "资源-微课视频.mp4")
    r = check_paths([voc], project=VOC)
    assert item_of(r, "教学活动录像.mp4") == "lesson_video"
    assert item_of(r, "课堂实录片段.mp4") == "resources"
    assert item_of(r, "资源-微课视频.mp4") == "resources"
    assert errors(r) == []                              # no video.fps / video.duration for the clips
    assert r.verdict == "pass"
    assert "资源" in why_of(r, "课堂实录片段.mp4")


def test_a_recording_without_telling_name_is_known_by_its_length(voc, cache):
    (voc / "教学活动录像.mp4").rename(voc / "第三组展示.mp4")
    shutil.copy(sample_video(cache, "short"), voc / "片头.mp4")                  # a 2 s clip, bigger name
    r = check_paths([voc], project=VOC)
    assert item_of(r, "第三组展示.mp4") == "lesson_video"
    assert "时长 16 分" in why_of(r, "第三组展示.mp4")
    assert item_of(r, "片头.mp4") == "resources"
    assert r.verdict == "pass"


def test_a_document_named_for_the_recording_is_not_a_recording(fusion):
    make_docx(fusion / "教学活动录像说明.docx", title="录像说明", sections=[("拍摄说明", "两个机位。")])
    r = check_paths([fusion.parents[1]])
    assert item_of(r, "教学活动录像.mp4") == "lesson_video"
    assert item_of(r, "教学活动录像说明.docx") != "lesson_video"
    assert errors(r) == []


def test_every_recording_counts_toward_the_total_and_resources_do_not(fusion, cache):
    shutil.copy(fusion / "教学活动录像.mp4", fusion / "教学活动录像（第二课时）.mp4")
    (fusion / "课程资源").mkdir()
    make_video(fusion / "课程资源" / "拓展视频.mp4", seconds=3, width=320, height=180)
    r = check_paths([fusion.parents[1]])
    [lesson] = [i for i in r.items if i.key == "lesson_video"]
    assert sorted(p.rsplit("/", 1)[-1] for p in lesson.files) == ["教学活动录像.mp4", "教学活动录像（第二课时）.mp4"]
    assert item_of(r, "拓展视频.mp4") is None


# --- other scanned PDFs beside the registration form ----------------------------------------------

def test_a_scanned_certificate_beside_the_form_does_not_displace_it(fusion):
    make_scan_pdf(fusion / "获奖证书.pdf", seed="certificate")
    r = check_paths([fusion.parents[1]])
    assert item_of(r, "作品登记表.pdf") == "registration_form"
    assert item_of(r, "获奖证书.pdf") is None
    assert errors(r) == []


def test_a_signed_scan_with_a_plain_name_is_the_form(fusion):
    (fusion / "作品登记表.pdf").rename(fusion / "张三（签字版）.pdf")
    r = check_paths([fusion.parents[1]])
    assert item_of(r, "张三（签字版）.pdf") == "registration_form"
    assert why_of(r, "张三（签字版）.pdf").startswith("按内容识别为：作品登记表")   # the name says nothing
    assert errors(r) == []


def test_without_the_form_a_certificate_scan_is_named_as_the_likely_candidate_not_taken(fusion):
    (fusion / "作品登记表.pdf").unlink()
    make_scan_pdf(fusion / "获奖证书.pdf", seed="certificate")
    r = check_paths([fusion.parents[1]])
    [f] = [f for f in r.findings if f.rule == "package.required" and f.item == "registration_form"]
    assert f.level == "error"
    assert "获奖证书.pdf" in f.message and "证书" in f.message
    assert item_of(r, "获奖证书.pdf") is None


def test_a_born_digital_pdf_with_no_telling_name_is_not_the_form(fusion):
    (fusion / "作品登记表.pdf").unlink()
    make_text_pdf(fusion / "参考资料.pdf", ["一份参考资料", "正文"])
    r = check_paths([fusion.parents[1]])
    [f] = [f for f in r.findings if f.rule == "package.required" and f.item == "registration_form"]
    assert "不是签字扫描件" in f.message and "参考资料.pdf" in f.message


# --- documents told apart by their content ---------------------------------------------------------

def test_plan_intro_and_report_with_neutral_names_are_told_apart_by_content(tmp_path, cache):
    d = tmp_path / "张三-数控车削"
    d.mkdir()
    make_docx(d / "文档A.docx", title="数控车削", sections=[(s, sample_text("车削", s)) for s in _SECTIONS[VOC]])
    make_docx(d / "文档B.docx", title="数控车削",
              sections=[(s, sample_text("车削", s)) for s in _SECTIONS["vocational_intro"]])
    make_docx_words(d / "文档C.docx", 2000, title="数控车削课程教学实施报告")
    shutil.copy(sample_video(cache, "long"), d / "课堂.mp4")
    make_docx(d / "资源-作业.docx", title="作业", sections=[("作业一", "完成零件图。")])
    r = check_paths([d], project=VOC)
    assert (item_of(r, "文档A.docx"), item_of(r, "文档B.docx"), item_of(r, "文档C.docx")) == (
        "lesson_plan", "case_intro", "report")
    assert "必备部分" in why_of(r, "文档A.docx")
    assert "实施报告" in why_of(r, "文档C.docx")
    assert r.verdict == "pass", errors(r)


def test_a_document_with_no_evidence_does_not_fill_a_missing_item(voc):
    (voc / "教案.docx").unlink()
    make_docx(voc / "学生名单.docx", title="班级学生名单", sections=[("一班", "共 40 人。")])
    r = check_paths([voc], project=VOC)
    [f] = [f for f in r.findings if f.rule == "package.required"]
    assert f.item == "lesson_plan" and f.level == "error"
    assert item_of(r, "学生名单.docx") == "resources"


def test_a_summary_sheet_is_known_as_a_spreadsheet_whatever_its_name(fusion):
    (fusion / "汇总表.xlsx").rename(fusion / "青秀区上报.xlsx")
    r = check_paths([fusion.parents[1]])
    assert item_of(r, "青秀区上报.xlsx") == "summary_sheet"
    assert errors(r) == []


# --- "压缩包" means a bundle the teacher made -------------------------------------------------------

def _container(path: Path, members: dict[str, bytes], mimetype: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in members.items():
            z.writestr(name, data)
    return path


CONTAINERS = {
    "电工基础.apk": ({"AndroidManifest.xml": b"\x03\x00\x08\x00", "classes.dex": b"dex\n035\x00",
                     "res/layout/main.xml": b"\x03\x00"}, None, "apk"),
    "资源-电子书.epub": ({"META-INF/container.xml": b"<container/>", "OEBPS/c1.xhtml": b"<html/>"},
                      "application/epub+zip", "epub"),
    "资源-随堂测验.h5p": ({"h5p.json": b'{"title":"quiz"}', "content/content.json": b"{}"}, None, "h5p"),
    "资源-知识结构.xmind": ({"content.json": b"[]", "metadata.json": b"{}", "manifest.json": b"{}"}, None, "xmind"),
    "资源-版式文件.ofd": ({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"}, None, "ofd"),
    "资源-电路游戏.sb3": ({"project.json": b'{"targets":[]}', "83a9787d4cb6f3b7632b4ddfebf74367.wav": b"RIFF"},
                     None, "sb3"),
}


def test_apps_ebooks_quizzes_and_mind_maps_are_their_own_kinds_not_bundles(tmp_path):
    d = tmp_path / "李四-电工基础"
    d.mkdir()
    make_docx(d / "教材介绍.docx", title="电工基础", sections=[("基本信息", "中职教材。")])
    for name, (members, mime, _) in CONTAINERS.items():
        _container(d / name, members, mime)
    r = check_paths([d], project="digital_textbook")
    kinds = {f.path.rsplit("/", 1)[-1]: f.kind for f in r.files}
    assert {n: kinds[n] for n in CONTAINERS} == {n: k for n, (_, _, k) in CONTAINERS.items()}
    assert [f for f in r.findings if f.rule == "package.archive"] == []
    assert item_of(r, "电工基础.apk") == "textbook"
    assert r.verdict == "pass", errors(r)


def test_a_real_zip_among_vocational_resources_still_breaks_the_rule(voc):
    _container(voc / "资源包.zip", {"作业.txt": "作业".encode()})
    r = check_paths([voc], project=VOC)
    assert [(f.rule, f.level) for f in r.findings if f.rule == "package.archive"] == [("package.archive", "error")]


# --- leftovers ---------------------------------------------------------------------------------------

def test_office_lock_files_and_os_leftovers_are_ignored_with_one_info_line(fusion):
    (fusion / "~$案例介绍.docx").write_bytes(b"\x05\x00zhang san" + b"\x00" * 150)
    (fusion / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (fusion / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0junk")
    (fusion / "desktop.ini").write_text("[.ShellClassInfo]")
    (fusion / "__MACOSX").mkdir()
    (fusion / "__MACOSX" / "._案例介绍.docx").write_bytes(b"\x00\x05\x16\x07")
    r = check_paths([fusion.parents[1]])
    assert errors(r) == []
    [f] = [f for f in r.findings if f.rule == "file.ignored"]
    assert f.level == "info" and "5 个" in f.message


# --- the report says how each file was recognised -------------------------------------------------------

def test_json_output_carries_how_each_file_was_recognised(fusion, run_cli):
    code, out, _ = run_cli(fusion.parents[1])
    assert code == 0
    form = next(i for i in out["items"] if i["key"] == "registration_form")
    [path] = form["files"]
    assert form["why"][path].startswith("按")
    assert next(f for f in out["files"] if f["path"] == path)["why"] == form["why"][path]


def test_html_and_excel_reports_show_how_each_file_was_recognised(fusion):
    import io

    from openpyxl import load_workbook

    from checks.report.html import render_html, render_xlsx
    r = check_paths([fusion.parents[1]])
    page = render_html(r)
    assert "按内容和名称识别为：汇总表" in page
    sheet = load_workbook(io.BytesIO(render_xlsx(r)))["报送内容"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["作品登记表（附件2）"][3].endswith("作品登记表.pdf")
    assert rows["作品登记表（附件2）"][4].startswith("按")
