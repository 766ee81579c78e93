"""checks.package.preview: the checklist ticked from file names and sizes while uploads arrive, on real
package trees made by samplegen (the same trees the engine checks in test_engine_packages.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from checks.package.preview import kind_from_name, preview_items
from samplegen.packages import make_package


def _listing(root: Path) -> tuple[list[str], dict[str, int]]:
    """Relative paths and sizes of every file under the upload root, as the page lists them."""
    files = [p for p in root.rglob("*") if p.is_file()]
    rel = [p.relative_to(root).as_posix() for p in files]
    return rel, {r: p.stat().st_size for r, p in zip(rel, files)}


def _filled(preview: dict) -> dict[str, list[str]]:
    return {it["key"]: [p.rsplit("/", 1)[-1] for p in it["files"]] for it in preview["items"]}


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("video-cache")


def test_good_package_fills_every_item_and_infers_the_project_from_level2(tmp_path, cache):
    make_package(tmp_path / "up", "fusion_case", cache_dir=cache)
    rel, sizes = _listing(tmp_path / "up")
    pv = preview_items(None, rel, sizes)
    assert pv["preview"] is True and "开始检查" in pv["note"]
    assert pv["project"] == "fusion_case" and pv["project_source"] == "folder"
    assert (pv["origin"], pv["level1"], pv["level2"], pv["level3"]) == (
        "folder", "小学XX市第一实验小学张三", "融合创新应用教学案例", "智慧课堂中的分数初步认识")
    assert pv["files"] == 5 and pv["unplaced"] == []
    assert _filled(pv) == {"summary_sheet": ["汇总表.xlsx"], "registration_form": ["作品登记表.pdf"],
                           "case_intro": ["案例介绍.docx"], "lesson_video": ["教学活动录像.mp4"],
                           "materials": ["相关材料.zip"]}
    assert all(it["required"] for it in pv["items"])


def test_missing_video_leaves_lesson_video_empty(tmp_path, cache):
    make_package(tmp_path / "up", "fusion_case", flaws={"no_video"}, cache_dir=cache)
    pv = preview_items(None, *_listing(tmp_path / "up"))
    filled = _filled(pv)
    assert filled["lesson_video"] == []
    assert [k for k, v in filled.items() if v] == ["summary_sheet", "registration_form", "case_intro", "materials"]


def test_preview_agrees_with_the_engine_on_a_good_package(tmp_path):
    from checks import check_paths
    level1 = make_package(tmp_path / "up", "training_case", cache_dir=tmp_path / "cache")
    pv = preview_items(None, *_listing(tmp_path / "up"))
    report = check_paths([level1])
    assert pv["project"] == report.project == "training_case"
    assert {it["key"]: it["files"] for it in pv["items"]} == {i.key: i.files for i in report.items}
    assert len(pv["items"]) == 4 and all(it["files"] for it in pv["items"])


def test_selected_project_wins_over_the_folder_name(tmp_path):
    make_package(tmp_path / "up", "training_case", cache_dir=tmp_path / "cache")
    pv = preview_items("fusion_case", *_listing(tmp_path / "up"))
    assert pv["project"] == "fusion_case" and pv["project_source"] == "selected"
    filled = _filled(pv)
    assert list(filled) == ["summary_sheet", "registration_form", "case_intro", "lesson_video", "materials"]
    assert filled["lesson_video"] == [] and filled["case_intro"] == ["案例介绍.docx"]


def test_file_outside_the_title_folder_is_unplaced_and_an_empty_file_keeps_its_named_item(tmp_path):
    level1 = make_package(tmp_path / "up", "training_case", cache_dir=tmp_path / "cache")
    (level1 / "教师研修案例" / "说明.docx").write_bytes(b"x")
    rel, sizes = _listing(tmp_path / "up")
    intro = next(r for r in rel if r.endswith("案例介绍.docx"))
    sizes[intro] = 0                        # an upload that arrived empty: kind "empty" as in the engine
    pv = preview_items(None, rel, sizes)
    assert pv["unplaced"] == ["小学XX市第一实验小学张三/教师研修案例/说明.docx"]
    assert _filled(pv)["case_intro"] == ["案例介绍.docx"]   # named for the item: the engine places it too
    assert pv["files"] == 5


def test_loose_files_need_a_chosen_project(tmp_path):
    rel = ["教学活动录像.mp4", "教案.docx", "案例介绍.pdf", "教学实施报告.docx", "资源-课件.pptx"]
    assert preview_items(None, rel)["project"] is None and preview_items(None, rel)["items"] == []
    pv = preview_items("vocational_practice", rel)
    assert pv["origin"] == "files"
    assert _filled(pv) == {"case_intro": ["案例介绍.pdf"], "lesson_plan": ["教案.docx"],
                           "lesson_video": ["教学活动录像.mp4"], "report": ["教学实施报告.docx"],
                           "resources": ["资源-课件.pptx"]}


def test_a_single_archive_is_read_only_at_check_time():
    pv = preview_items(None, ["小学XX市第一实验小学张三.rar"], {"小学XX市第一实验小学张三.rar": 1000})
    assert pv["origin"] == "archive" and pv["archive"] == "小学XX市第一实验小学张三.rar"
    assert pv["project"] is None and pv["items"] == []
    assert preview_items("fusion_case", ["a.zip"])["archive"] == "a.zip"


def test_noise_and_odd_names_never_raise():
    pv = preview_items("fusion_case", ["__MACOSX/._a.mp4", ".DS_Store", "", "/", "a\\b\\录像.MP4", "无扩展名"])
    assert pv["files"] == 2 and _filled(pv)["lesson_video"] == ["录像.MP4"]
    assert kind_from_name("x.MP4") == "mp4" and kind_from_name("README") == "unknown"
    with pytest.raises(ValueError):
        preview_items("no_such_project", [])
