"""A teacher reloads the self-check page in the same browser: the checked result is still shown
(and says it was restored); files uploaded but not yet checked are still there to check. In a
browser that never checked here (another session cookie) the page says plainly that the check must be repeated."""
from __future__ import annotations

from samplegen.packages import make_package
from tests.e2e.test_browser_selfcheck import _open, _run_check, _upload


def test_reload_keeps_the_checked_result(page, app_url, tmp_path, artifacts):
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    _open(page, app_url)
    _run_check(page, "dir", level1, "案例介绍")
    assert "sc=1" in page.url
    page.reload()
    page.get_by_text("页面已刷新：已恢复本浏览器").wait_for()
    page.get_by_role("heading", name="检查结果").wait_for()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "国家中小学智慧教育平台教师研修应用案例" in body and "案例介绍文档：已提供" in body
    page.screenshot(path=str(artifacts / "selfcheck-reload-result.png"), full_page=True)


def test_reload_keeps_uploaded_files_before_the_check(page, app_url, tmp_path):
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    _open(page, app_url)
    _upload(page, "dir", level1, "案例介绍")
    checklist = page.frame_locator("iframe[title='作品文件上传']").locator("#check")
    checklist.get_by_text("已收到 4 个文件").wait_for(timeout=30_000)
    page.reload()
    page.get_by_text("页面已刷新：已恢复本浏览器").wait_for()
    checklist.get_by_text("已收到 4 个文件").wait_for(timeout=30_000)     # the frame reads the kept token
    page.locator(".st-key-sc_run button").wait_for()      # the page's last widget: its run is done
    page.locator(".st-key-sc_run button").click()
    page.get_by_role("heading", name="检查结果").wait_for(timeout=120_000)
    assert "案例介绍文档：已提供" in page.locator("[data-testid='stMain']").inner_text()


def test_another_browser_is_told_plainly_to_check_again(browser, app_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + "/?sc=1")
    page.get_by_text("页面刷新后，之前上传的文件和检查结果未能保留，请重新上传文件并点击“开始检查”。").wait_for()
    ctx.close()
