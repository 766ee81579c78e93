"""The self-check page in Debian's Chromium against `streamlit run app.py`: a teacher uploads a
good package folder and a broken video through the streaming uploader (ui/selfcheck/dropzone.py,
files PUT to ui/selfcheck/upload_route.py) and reads the verdicts off the page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from samplegen.media import make_video
from samplegen.packages import make_package
from tests.conftest import FIXTURES


def _open(page, url):
    page.goto(url)
    page.get_by_role("heading", name="作品自检").wait_for()
    page.get_by_role("combobox", name="项目类型").wait_for()
    page.locator(".st-key-sc_run button").wait_for()      # the page's last widget: the first run is done


def _choose_project(page, label: str):
    page.get_by_role("combobox", name="项目类型").click()
    page.get_by_role("option", name=re.compile(re.escape(label))).click()
    page.locator("strong", has_text=label).first.wait_for()     # its checklist is shown


def _upload(page, picker: str, path, expect_name: str):
    """picker: "files" (选择文件) or "dir" (选择整个文件夹) in the uploader frame."""
    frame = page.frame_locator("iframe[title='作品文件上传']")
    frame.get_by_role("button", name="选择整个文件夹" if picker == "dir" else "选择文件（可多选，含 ZIP/RAR）").wait_for()
    frame.locator(f"#{picker}").set_input_files(str(path))
    frame.locator("#list").get_by_text(expect_name).first.wait_for()
    frame.locator("#summary[data-state='done']").wait_for(timeout=120_000)
    assert "全部上传完成" in frame.locator("#summary").inner_text()


def _run_check(page, picker: str | None, path=None, expect_name: str = ""):
    """Upload (unless picker is None: already uploaded), press 开始检查 and wait for the report."""
    if picker:
        _upload(page, picker, path, expect_name)
    run = page.locator(".st-key-sc_run button")
    expect(run).to_be_enabled(timeout=30_000)
    run.click()
    page.get_by_role("heading", name="检查结果").wait_for(timeout=120_000)
    page.get_by_role("button", name="下载完整报告（HTML）").wait_for()   # the report's last element


def _screenshot(page, path):
    """Streamlit scrolls inside its own container: grow the viewport to capture the whole report."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 100, 12000)})
    # two animation frames: the browser has laid out and painted at the new size
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(path), full_page=True)


def test_good_package_folder_passes(page, app_url, tmp_path, artifacts):
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    _open(page, app_url)
    _upload(page, "dir", level1, "案例介绍")
    # Before 开始检查: the checklist the uploader frame draws under its list has ticked every item
    # (it refetches as files finish, so wait for the drawing that saw the last file).
    checklist = page.frame_locator("iframe[title='作品文件上传']").locator("#check")
    checklist.get_by_text("已收到 4 个文件").wait_for(timeout=30_000)
    text = checklist.inner_text()
    assert text.count("✅") == 4 and "⬜" not in text, text
    for item in ("汇总表", "案例信息表（附件4）", "案例介绍文档", "相关支撑材料"):
        assert f"✅ {item}：" in text, text
    assert "按二级文件夹“教师研修案例”识别" in text
    assert page.get_by_role("heading", name="检查结果").count() == 0     # nothing checked yet
    checklist.screenshot(path=str(artifacts / "selfcheck-live-checklist.png"))
    _run_check(page, None)
    verdict = page.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']").first
    assert verdict.inner_text().split()[-1].startswith("通过")        # icon, then the headline
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "国家中小学智慧教育平台教师研修应用案例" in body
    assert "案例介绍文档：已提供" in body
    _screenshot(page, artifacts / "selfcheck-good-package.png")


def test_30fps_video_fails_with_fix(page, app_url, tmp_path, artifacts):
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    _open(page, app_url)
    _choose_project(page, "职业教育实践性教学案例")
    _run_check(page, "files", video, "教学活动录像.mp4")
    verdict = page.locator("[data-testid='stAlertContentError']").first
    assert re.search(r"不通过：\d+ 项不符合要求", verdict.inner_text())
    fps_row = page.locator("[data-testid='stExpanderDetails']", has_text="帧").first
    text = fps_row.inner_text()
    assert "25 帧/秒" in text or "25帧/秒" in text
    codes = [c.inner_text() for c in page.locator("[data-testid='stCode'] code").all()]
    assert any("ffmpeg" in c and "-r 25" in c for c in codes), codes
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载完整报告（HTML）").click()
    html = open(dl.value.path(), encoding="utf-8").read()
    assert "不通过" in html and "-r 25" in html and "video.fps" in html
    _screenshot(page, artifacts / "selfcheck-video-30fps.png")


def test_rar_archive_is_checked_from_the_files_picker(page, app_url):
    rar = FIXTURES / "rar" / "rar5-subdirs.rar"
    _open(page, app_url)
    _run_check(page, "files", rar, "rar5-subdirs.rar")
    assert re.search(r"不通过：\d+ 项不符合要求",
                     page.locator("[data-testid='stAlertContentError']").first.inner_text())
    assert "规则编号 package.layout" in page.locator("[data-testid='stMain']").inner_text()


def test_the_checklist_follows_a_project_picked_after_the_upload(page, app_url, tmp_path):
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=25)
    _open(page, app_url)
    _upload(page, "files", video, "教学活动录像.mp4")
    checklist = page.frame_locator("iframe[title='作品文件上传']").locator("#check")
    checklist.get_by_text("还不能确定项目类型").wait_for(timeout=30_000)
    _choose_project(page, "职业教育实践性教学案例")          # a page run: the frame redraws after it
    checklist.get_by_text("项目类型：职业教育实践性教学案例（已选择）").wait_for(timeout=30_000)
    assert "✅ 教学活动录像：教学活动录像.mp4" in checklist.inner_text()
    assert page.get_by_role("heading", name="检查结果").count() == 0     # nothing checked yet
