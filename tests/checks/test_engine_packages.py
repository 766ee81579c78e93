"""Whole submissions of every project type, good and broken, through the engine and the CLI.

Each broken package carries one flaw and must fail (or warn) on exactly the rule the notice states.
"""
from __future__ import annotations

import pytest

from checks import check_paths
from samplegen.packages import make_package

PACKAGE_PROJECTS = ["afterschool", "fusion_case", "it_course_case", "training_case"]
STAGE = {"it_course_case": "中职"}


def build(tmp_path, video_cache, project, flaws=()):
    return make_package(tmp_path, project, stage=STAGE.get(project, "小学"), flaws=set(flaws),
                        cache_dir=video_cache)


def errors(report):
    return sorted({f.rule for f in report.findings if f.level == "error"})


def warnings(report):
    return sorted({f.rule for f in report.findings if f.level == "warning"})


@pytest.mark.parametrize("project", PACKAGE_PROJECTS)
def test_a_good_package_passes_with_no_warning_and_its_project_is_inferred(tmp_path, video_cache, project):
    report = check_paths([build(tmp_path, video_cache, project)])
    assert report.project == project
    assert report.verdict == "pass", [f.to_dict() for f in report.findings if f.level != "info"]
    assert warnings(report) == []
    assert all(item.files for item in report.items if item.required)


def test_the_checklist_names_each_required_item_and_its_file(tmp_path, video_cache):
    report = check_paths([build(tmp_path, video_cache, "fusion_case")])
    got = {i.key: [p.rsplit("/", 1)[-1] for p in i.files] for i in report.items}
    assert got == {"summary_sheet": ["汇总表.xlsx"], "registration_form": ["作品登记表.pdf"],
                   "case_intro": ["案例介绍.docx"], "lesson_video": ["教学活动录像.mp4"],
                   "materials": ["相关材料.zip"]}


@pytest.mark.parametrize("project,flaw,rule,level", [
    ("fusion_case", "no_video", "package.required", "error"),
    ("fusion_case", "no_form", "package.required", "error"),
    ("fusion_case", "video_30fps", "video.fps", "warning"),      # full video spec is a warning here
    ("fusion_case", "form_not_scan", "pdf.scanned", "warning"),
    ("training_case", "missing_section", "doc.sections", "error"),
    ("afterschool", "bad_level1", "package.naming", "error"),
    ("it_course_case", "wrong_level2", "package.layout", "error"),
    ("fusion_case", "book_marks", "title.book_marks", "error"),
    ("fusion_case", "zip_package", "package.archive", "error"),
])
def test_a_broken_package_fails_on_the_rule_it_breaks(tmp_path, video_cache, project, flaw, rule, level):
    report = check_paths([build(tmp_path, video_cache, project, {flaw})], project=project)
    assert rule in (errors(report) if level == "error" else warnings(report)), report.to_dict()["findings"]
    assert report.verdict == ("fail" if level == "error" else "pass")


def test_a_doc_case_intro_is_word_as_the_notice_means_it(tmp_path, video_cache):
    report = check_paths([build(tmp_path, video_cache, "fusion_case", {"legacy_doc"})], project="fusion_case")
    assert report.verdict == "pass", [f.to_dict() for f in report.findings if f.level != "info"]
    assert [(f.rule, f.level) for f in report.findings if f.path and f.path.endswith("案例介绍.doc")] == \
           [("doc.format", "info")]


def test_a_missing_item_says_what_is_expected(tmp_path, video_cache):
    report = check_paths([build(tmp_path, video_cache, "fusion_case", {"no_video"})])
    [f] = [f for f in report.findings if f.rule == "package.required"]
    assert f.message == "缺少“教学活动录像”。" and f.expected == "教学活动录像（MP4（总计不超过50分钟））"


@pytest.fixture(scope="module")
def vocational_good(tmp_path_factory, video_cache):
    return make_package(tmp_path_factory.mktemp("voc"), "vocational_practice", cache_dir=video_cache)


def test_a_good_vocational_case_passes_the_full_video_spec(vocational_good):
    files = sorted(vocational_good.iterdir())
    report = check_paths(files, project="vocational_practice")
    assert report.verdict == "pass", [f.to_dict() for f in report.findings]
    [video] = [f for f in report.files if f.item == "lesson_video"]
    assert 900 <= video.facts["duration_s"] <= 1200


def test_a_30fps_vocational_video_is_an_error_naming_25fps_with_the_ffmpeg_fix(tmp_path, video_cache):
    folder = make_package(tmp_path, "vocational_practice", flaws={"video_30fps"}, cache_dir=video_cache)
    report = check_paths(sorted(folder.iterdir()), project="vocational_practice")
    [f] = [f for f in report.findings if f.rule == "video.fps"]
    assert f.level == "error" and "25" in f.expected and "30" in f.actual
    assert "ffmpeg" in f.fix and "-r 25" in f.fix


@pytest.mark.parametrize("flaw,rule", [("long_report", "doc.length"), ("zip_resources", "package.archive"),
                                       ("missing_section", "doc.sections")])
def test_vocational_flaws(tmp_path, video_cache, flaw, rule):
    folder = make_package(tmp_path, "vocational_practice", flaws={flaw}, cache_dir=video_cache)
    report = check_paths([folder], project="vocational_practice")
    assert rule in errors(report)


def test_the_report_length_is_counted_like_word(tmp_path, video_cache):
    folder = make_package(tmp_path, "vocational_practice", flaws={"long_report"}, cache_dir=video_cache)
    report = check_paths([folder], project="vocational_practice")
    [f] = [f for f in report.findings if f.rule == "doc.length"]
    assert "3142" in f.actual and "3000" in f.expected


def test_a_good_digital_textbook_passes(tmp_path, video_cache):
    folder = make_package(tmp_path, "digital_textbook", cache_dir=video_cache)
    report = check_paths([folder], project="digital_textbook")
    assert report.verdict == "pass", [f.to_dict() for f in report.findings]


def _sparse(path, size):
    with open(path, "wb") as f:          # a sparse file: real size, no disk, no time
        f.truncate(size)


def test_a_training_package_over_100_mb_is_a_warning_since_the_notice_only_suggests_it(tmp_path, video_cache):
    pkg = build(tmp_path, video_cache, "training_case")
    assert "package.size" not in warnings(check_paths([pkg]))
    work = next(pkg.glob("*/*"))
    _sparse(work / "补充材料.bin", 100_000_001)
    report = check_paths([pkg])
    [f] = [f for f in report.findings if f.rule == "package.size"]
    assert f.level == "warning" and f.expected == "≤ 100 MB" and report.verdict == "pass"


def test_digital_textbook_resources_over_1_gb_fail(tmp_path, video_cache):
    folder = make_package(tmp_path, "digital_textbook", cache_dir=video_cache)
    _sparse(folder / "配套资源-动画.bin", 1_000_000_001)
    report = check_paths([folder], project="digital_textbook")
    [f] = [f for f in report.findings if f.rule == "package.size"]
    assert f.level == "error" and f.item == "resources" and f.expected == "≤ 1000 MB"
