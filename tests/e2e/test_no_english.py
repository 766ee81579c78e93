"""Every page of every role in Debian's Chromium, scanned for English: the visible text of the page
(`document.body.innerText` without icon ligatures and copyable command blocks) plus the `title`,
`aria-label` and `placeholder` of visible elements. A Latin-letter word fails the test unless it is
a proper name (MP4, H.264, Excel, ZIP, ...), a rule id in small print (video.fps), a file name of the
sample package, or a username. Screenshots of each role's main pages go to test-artifacts/."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, start_server, stop_server

ARTIFACTS_LOG = ARTIFACTS / "lang-found.txt"

PROPER = {"MP4", "H.264", "AVC", "AAC", "Excel", "ZIP", "RAR", "PDF", "Word", "PPT", "MediaInfo", "ffmpeg",
          "MOV", "MKV", "WPS", "RTF", "JPEG", "PNG", "HTML", "CSV", "UTF-8", "MPEG-4", "DuckDB", "Cookie",
          "MB", "KB", "GB", "kb", "kbps", "Hz", "fps", "RATING_DATA_DIR", "Ctrl", "C", "x", "Kbps",
          "TS", "MPEG-TS", "AVI", "FLV", "WMV", "WebM", "3GP", "Flash", "APP", "URL", "FTP", "ID", "B",
          "YAML", "bcrypt", "z"}
# The reviewers CSV's column names, shown to the admin as the file format to use.
CSV_COLUMNS = {"username", "name", "school", "district", "projects", "stages", "cap"}
PATH_IN_TEXT = re.compile(r"(?:^|(?<=[\s：:（(“]))[\w.\-]*/[^\s　，。；）)”]*")
USERS = {"admin", "pingwei"}
SAMPLE_NAMES = {"XX"}          # samplegen's schools are "XX市…"
# Format names written as their extension ("Excel 表格（.xlsx）"): proper names like MP4.
EXTENSIONS = {"docx", "doc", "wps", "xlsx", "xls", "et", "pptx", "ppt", "dps", "pdf", "zip", "rar", "mp4", "mov",
              "mkv", "apk", "ipa", "epub", "h5p", "xmind", "ofd", "sb3", "odt", "ods", "odp", "rtf", "mht", "html"}
RULE_ID = re.compile(r"^[a-z0-9]+(?:[._][a-z0-9]+)+$")
FILE_NAME = re.compile(r"\.(mp4|mov|docx?|pdf|zip|rar|xlsx?|pptx?|txt|wps|html)$", re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-_+][A-Za-z0-9]+)*")
# A file name is one token with what precedes it: "相关材料.zip", "张三.rar".
FILE_IN_TEXT = re.compile(r"[^\s（）()“”]+\.(?:mp4|mov|docx?|pdf|zip|rar|xlsx?|pptx?|txt|wps|html)\b", re.I)

SCAN_JS = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const skip = el => el.closest("[data-testid='stIconMaterial'], [data-testid='stCode'], code, pre, "
    + "[data-testid='stSidebarCollapseButton'] span, .material-symbols-rounded, script, style");
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, el = n.parentElement;
    if (!el || !n.textContent.trim() || skip(el) || !visible(el)) continue;
    if (/Material Symbols|Material Icons/.test(getComputedStyle(el).fontFamily)) continue;   // icon ligatures
    out.push(n.textContent);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (!visible(el) || el.closest('script, style')) continue;
    for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  if (window === window.top) out.push(document.title);
  return out;
}"""


def english_words(page, allowed_extra: set[str] = frozenset()) -> list[str]:
    bad = []
    for text in page.evaluate(SCAN_JS) + [t for f in _frames(page) for t in f.evaluate(SCAN_JS)]:
        for w in WORD.findall(PATH_IN_TEXT.sub(" ", FILE_IN_TEXT.sub(" ", text))):
            if (w in PROPER or w.lower() in EXTENSIONS or w in USERS or w in SAMPLE_NAMES or w in CSV_COLUMNS or w in allowed_extra or RULE_ID.match(w) or FILE_NAME.search(w)
                    or re.fullmatch(r"x\d+", w)):
                continue
            bad.append(f"{w!r} in {text.strip()[:80]!r}")
    return sorted(set(bad))


def _frames(page):
    return [f for f in page.frames if f != page.main_frame and f.url.startswith(("about:srcdoc", "http"))]


def _idle(page):
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    # Widgets still loading their code show skeletons: scan (and photograph) the finished page.
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton'], .stSkeleton\")")
    page.wait_for_timeout(400)


@pytest.fixture(scope="module")
def site(tmp_path_factory, artifacts, video_cache):
    from accounts import AccountStore
    from samplegen.packages import make_package
    from scoring import db
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.permissions import ADMIN, Actor
    from scoring.reviewers import upsert_reviewers
    root = tmp_path_factory.mktemp("no-english")
    data = root / "data"
    store = AccountStore(data)
    admin_pw = store.ensure_initialized()
    admin = Actor("admin", ADMIN)
    rev_pw = store.add_user(admin, "pingwei", "演示评委")
    path = data / "scoring.duckdb"
    make_package(root / "ftp" / "城东区", "fusion_case", school="XX市第一实验小学", teacher="张三", title="光的折射",
                 cache_dir=video_cache)
    make_package(root / "ftp" / "城西区", "fusion_case", school="XX市育才小学", teacher="李四", title="分数的认识",
                 flaws={"video_30fps"}, cache_dir=video_cache)
    works = import_dump(admin, root / "ftp", db=path)["works"]
    upsert_reviewers(admin, [{"username": "pingwei", "name": "演示评委", "school": "XX市教师发展中心",
                              "district": "市直", "projects": ["fusion_case"], "stages": ["小学"], "cap": 5}], db=path)
    for wid in works:
        assign(admin, wid, "pingwei", db=path)
    db.close(path)
    teacher_pkg = make_package(root / "teacher", "training_case", cache_dir=video_cache)
    proc, url = start_server(data, artifacts / "e2e-no-english.log")
    yield {"url": url, "admin_pw": admin_pw, "rev_pw": rev_pw, "teacher_pkg": teacher_pkg}
    stop_server(proc)


def _context(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    page.set_default_timeout(90_000)
    return page


def _login(page, url, user, password):
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(re.compile("当前用户")).wait_for()
    _idle(page)


def _nav(page, name):
    _idle(page)
    page.get_by_role("link", name=name, exact=True).click()
    _idle(page)


def _check(page, where: str, found: dict, shot=None, extra: set[str] = frozenset()):
    _idle(page)
    bad = english_words(page, set(extra))
    if bad:
        found[where] = bad
        with open(ARTIFACTS_LOG, "a", encoding="utf-8") as log:
            log.write(f"{where}\n" + "".join(f"    {b}\n" for b in bad))
    if shot:
        page.screenshot(path=str(shot), full_page=True)


def test_teacher_pages_have_no_english(browser, site, artifacts):
    found: dict = {}
    page = _context(browser)
    page.goto(site["url"])
    page.get_by_role("heading", name="作品自检").wait_for()
    _check(page, "自检（空）", found, artifacts / "lang-teacher-1-start.png")
    frame = page.frame_locator("iframe[title='作品文件上传']")
    frame.locator("#dir").set_input_files(str(site["teacher_pkg"]))
    frame.locator("#summary[data-state='done']").wait_for(timeout=120_000)
    page.locator(".st-key-sc_run button").click()
    page.get_by_role("heading", name="检查结果").wait_for(timeout=120_000)
    names = {p.name for p in site["teacher_pkg"].rglob("*")} | {site["teacher_pkg"].name}
    _check(page, "自检结果", found, artifacts / "lang-teacher-2-report.png", extra=names)
    page.get_by_role("tab", name="登记表填写助手").click()
    _check(page, "登记表填写助手", found)
    page.goto(site["url"] + "/login")
    page.get_by_role("button", name="登录").wait_for()
    _check(page, "登录", found, artifacts / "lang-teacher-3-login.png")
    page.goto(site["url"] + "/review_tasks")
    page.get_by_text("请先登录后再访问此页面。").wait_for()
    page.get_by_role("link", name="前往登录").wait_for()
    _check(page, "未登录打开评审页", found, artifacts / "lang-teacher-4-forbidden.png")
    page.goto(site["url"] + "/no_such_page")
    page.get_by_role("heading", name="页面不存在").wait_for()
    _check(page, "不存在的页面", found, artifacts / "lang-teacher-5-no-such-page.png")
    assert found == {}


def test_reviewer_pages_have_no_english(browser, site, artifacts):
    found: dict = {}
    page = _context(browser)
    _login(page, site["url"], "pingwei", site["rev_pw"])
    _nav(page, "我的评审任务")
    _check(page, "我的评审任务", found, artifacts / "lang-reviewer-1-tasks.png")
    _nav(page, "评审作品")
    page.get_by_role("heading", name="作品材料").wait_for()
    _check(page, "评审作品（视频）", found, artifacts / "lang-reviewer-2-work.png")
    score = page.get_by_label("教学设计 得分")
    if score.count():                  # a score out of range: the field's own hint must be Chinese too
        score.fill("999")
        score.press("Tab")
        _check(page, "评审作品（超出范围的分数）", found, artifacts / "lang-reviewer-2b-out-of-range.png")
    for label in ("案例介绍.docx", "相关材料.zip"):
        page.get_by_text(re.compile(re.escape(label))).first.click()
        _idle(page)
        _check(page, f"评审作品（{label}）", found, artifacts / f"lang-reviewer-3-{label}.png")
    page.goto(site["url"] + "/admin_accounts")
    # The sign-in cookie is read back one rerun later: wait for the page as the reviewer sees it.
    try:
        page.get_by_text(re.compile("您没有权限访问此页面")).wait_for()
    except Exception:
        page.screenshot(path=str(artifacts / "lang-reviewer-4-forbidden-failed.png"), full_page=True)
        raise
    page.get_by_role("link", name="前往登录页").wait_for()
    _check(page, "评委打开管理页", found, artifacts / "lang-reviewer-4-forbidden.png")
    assert found == {}


ADMIN_PAGES = ["导入与初审", "评委与分配", "进度", "排名", "统计图表", "审计记录", "设置", "账号管理"]


def test_admin_pages_have_no_english(browser, site, artifacts):
    found: dict = {}
    page = _context(browser)
    _login(page, site["url"], "admin", site["admin_pw"])
    for i, name in enumerate(ADMIN_PAGES, 1):
        _nav(page, name)
        _check(page, name, found, artifacts / f"lang-admin-{i}-{name}.png")
        for label in [t.inner_text() for t in page.get_by_role("tab").all()][1:]:
            # By name each time: a rerun may replace the tab elements between listing and clicking.
            page.get_by_role("tab", name=label).evaluate("el => el.click()")
            page.get_by_role("tab", name=label, selected=True).wait_for()
            _idle(page)
            _check(page, f"{name}/{label}", found)
    _nav(page, "导入与初审")               # Streamlit's own file uploader
    page.get_by_text("上传作品包", exact=True).click()
    page.locator("[data-testid='stFileUploaderDropzone']").first.wait_for()
    _check(page, "导入与初审/上传作品包", found, artifacts / "lang-admin-9-upload.png")
    assert found == {}
