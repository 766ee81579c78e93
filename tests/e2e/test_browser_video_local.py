"""Videos checked in the teacher's browser (issue 9), in Debian's Chromium against `streamlit run app.py`:
MediaInfo runs as WebAssembly in the uploader frame, only its JSON reaches the server, and the report
reads as for an uploaded video plus one line. The token folder on disk is what the server received."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks import check_paths
from checks.media.browser_record import MAGIC
from samplegen.media import make_video, sample
from tests.e2e.conftest import start_server, stop_server
from tests.media_containers import encoded, remux
from tests.e2e.test_browser_selfcheck import _choose_project, _open, _screenshot

INFO_LINE = "该视频在本机分析，未上传"
FRAME = "iframe[title='作品文件上传']"


@pytest.fixture(scope="module")
def server(tmp_path_factory, artifacts):
    """Own server: the tests read its upload folder (the data dir) to see what arrived."""
    data_dir = tmp_path_factory.mktemp("rating-data-local")
    proc, url = start_server(data_dir, artifacts / "e2e-server-local-video.log")
    yield url, data_dir
    stop_server(proc)


def _received(data_dir: Path) -> dict[str, bytes]:
    """Every file in every live token folder: relative path -> bytes."""
    out = {}
    for files in (data_dir / "uploads" / "selfcheck").glob("up-*/files"):
        for p in files.rglob("*"):
            if p.is_file():
                out[p.relative_to(files).as_posix()] = p.read_bytes()
    return out


def _forget_uploads(data_dir: Path) -> None:
    """A test that does not press 开始检查 leaves its token folder: remove it for the next test."""
    for folder in (data_dir / "uploads" / "selfcheck").glob("up-*"):
        shutil.rmtree(folder)


def _pick(page, picker: str, paths, rows: int):
    frame = page.frame_locator(FRAME)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    frame.get_by_role("button", name="选择整个文件夹").wait_for()
    frame.locator(f"#{picker}").set_input_files(paths if isinstance(paths, list) else str(paths))
    frame.locator("#summary[data-state='done']").wait_for(timeout=120_000)
    assert frame.locator("#list .st").count() == rows
    return frame


def _check(page):
    page.locator(".st-key-sc_run button").click()
    page.get_by_role("heading", name="检查结果").wait_for(timeout=120_000)
    page.get_by_role("button", name="下载完整报告（HTML）").wait_for()


def _assert_fps_finding(page):
    fps_row = page.locator("[data-testid='stExpanderDetails']", has_text="帧").first
    assert "25 帧/秒" in fps_row.inner_text() or "25帧/秒" in fps_row.inner_text()
    fix = page.locator("[data-testid='stCode'] code", has_text="-r 25").first
    fix.wait_for()                       # drawn with the report, possibly a moment after its heading
    assert "ffmpeg" in fix.inner_text()
    assert "规则编号 video.fps" in page.locator("[data-testid='stMain']").inner_text()


def test_30fps_video_is_checked_without_uploading_it(page, server, tmp_path, artifacts):
    url, data_dir = server
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    _open(page, url)
    _choose_project(page, "职业教育实践性教学案例")
    frame = _pick(page, "files", video, rows=1)
    # Its verdict is in the row at once, before 开始检查: the server judged the JSON for the project.
    assert frame.locator("#list .st").inner_text() == "已分析：不符合要求"
    assert frame.locator("#list > div").first.get_attribute("data-verdict") == "fail"
    assert "30" in frame.locator("#list .note.bad").first.inner_text()      # the frame rate it read
    assert "1 个视频已在本机分析" in frame.locator("#summary").inner_text()
    got = _received(data_dir)
    assert list(got) == ["教学活动录像.mp4"]
    record = got["教学活动录像.mp4"]
    assert record.startswith(MAGIC) and len(record) < 64_000          # JSON only
    assert video.read_bytes()[:4096] not in record                     # no video bytes
    _check(page)
    _assert_fps_finding(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert INFO_LINE in body and "规则编号 video.browser_check" in body
    _screenshot(page, artifacts / "selfcheck-video-in-browser.png")


def test_folder_with_a_30fps_video_is_checked_without_uploading_it(page, server, tmp_path):
    url, data_dir = server
    folder = tmp_path / "录像"
    folder.mkdir()
    make_video(folder / "教学活动录像.mp4", seconds=1, fps=30)
    _open(page, url)
    _choose_project(page, "职业教育实践性教学案例")
    _pick(page, "dir", folder, rows=1)
    got = _received(data_dir)
    assert list(got) == ["录像/教学活动录像.mp4"] and got["录像/教学活动录像.mp4"].startswith(MAGIC)
    assert sum(map(len, got.values())) < 64_000
    _check(page)
    _assert_fps_finding(page)
    assert INFO_LINE in page.locator("[data-testid='stMain']").inner_text()


def test_a_dropped_video_is_checked_without_uploading_it(page, server, tmp_path):
    """The drop area's path (no entries API for a scripted drop: the DataTransfer's files)."""
    import base64
    url, data_dir = server
    video = make_video(tmp_path / "课堂实录.mp4", seconds=1, fps=30)
    _open(page, url)
    _choose_project(page, "职业教育实践性教学案例")
    page.frame_locator(FRAME).get_by_role("button", name="选择整个文件夹").wait_for()
    frame = next(f for f in page.frames if f.evaluate("() => !!window.BrowserMedia"))
    frame.evaluate("""([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, {type: "video/mp4"}));
        document.getElementById("zone").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [base64.b64encode(video.read_bytes()).decode(), video.name])
    ui = page.frame_locator(FRAME)
    ui.locator("#summary[data-state='done']").wait_for()
    assert ui.locator("#list .st").inner_text() == "已分析：不符合要求"
    got = _received(data_dir)
    assert list(got) == ["课堂实录.mp4"] and got["课堂实录.mp4"].startswith(MAGIC) and len(got["课堂实录.mp4"]) < 64_000
    _check(page)
    _assert_fps_finding(page)


SAMPLES = ["ok_small", "fps30", "hevc", "mov_720p", "no_audio", "moov_last_small", "interlaced"]


def test_browser_and_server_give_the_same_findings(page, server, video_cache, tmp_path):
    """Each sample video (25/30 fps, HEVC, MOV named .mp4, no audio, moov at the end, interlaced):
    the report from the browser's JSON equals the report from the file, but for the one info line."""
    url, data_dir = server
    videos = [sample(video_cache, n) for n in SAMPLES]
    _open(page, url)
    frame = _pick(page, "files", [str(v) for v in videos], rows=len(videos))
    # no project chosen (auto): no quick verdict in the rows, the full check decides
    assert [s.inner_text() for s in frame.locator("#list .st").all()] == ["已分析"] * len(videos)
    got = _received(data_dir)
    assert sorted(got) == sorted(v.name for v in videos)
    for video in videos:
        record = tmp_path / "records" / video.name
        record.parent.mkdir(exist_ok=True)
        record.write_bytes(got[video.name])
        assert record.read_bytes().startswith(MAGIC)
        for project in ("vocational_practice", None):
            local = check_paths([record], project=project, browser_media=True)
            uploaded = check_paths([video], project=project)
            info = [f for f in local.findings if f.rule == "video.browser_check"]
            assert [(f.level, f.message, f.path) for f in info] == [("info", INFO_LINE, video.name)]
            local.findings = [f for f in local.findings if f.rule != "video.browser_check"]
            assert local.to_dict() == uploaded.to_dict(), video.name
            assert [f.facts for f in local.files] == [f.facts for f in uploaded.files], video.name
    _forget_uploads(data_dir)
    # the samples differ where it matters, so equal reports are not equal by accident
    rules = {v.stem: {f.rule for f in check_paths([v], project="vocational_practice").findings} for v in videos}
    assert "video.fps" in rules["fps30"] and "video.fps" not in rules["ok_small"]
    assert rules["hevc"] != rules["ok_small"] and rules["interlaced"] != rules["ok_small"]


def test_without_webassembly_the_video_is_uploaded_and_the_page_says_why(browser, server, tmp_path):
    url, data_dir = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    ctx.add_init_script("delete globalThis.WebAssembly")     # as where a policy turns WebAssembly off
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
        _open(page, url)
        _choose_project(page, "职业教育实践性教学案例")
        frame = _pick(page, "files", video, rows=1)
        note = frame.locator("#list div.note").inner_text()
        assert "浏览器不支持 WebAssembly" in note and "改为上传" in note
        assert frame.locator("#list .st").inner_text() == "已上传"
        assert "1 个视频未能在本机分析，已改为上传" in frame.locator("#summary").inner_text()
        assert _received(data_dir) == {"教学活动录像.mp4": video.read_bytes()}
        _check(page)
        _assert_fps_finding(page)
        assert INFO_LINE not in page.locator("[data-testid='stMain']").inner_text()
    finally:
        ctx.close()


def test_the_browser_sniff_agrees_with_the_server_sniff(page, server, video_cache, tmp_path):
    """browser_media.js decides what is a video from the first 1 KiB; for real files of every video
    container and for documents, archives, images and audio it must say what checks/sniff.py says."""
    from checks.media.browser_record import VIDEO_KINDS
    from checks.sniff import sniff_path
    from samplegen.archives import make_zip
    from samplegen.docs import make_docx, make_text_pdf
    from tests.conftest import FIXTURES
    from tests.checks.media.test_facts import hanging_ts_junk

    mp4 = sample(video_cache, "ok_small")
    files = [mp4, sample(video_cache, "mov_720p"), sample(video_cache, "mkv_720p"),
             sample(video_cache, "moov_last_small"), sample(video_cache, "random"),
             encoded(tmp_path / "v.avi", "avi", "mpeg4"), encoded(tmp_path / "v.flv", "flv", "flv"),
             encoded(tmp_path / "v.ts", "mpegts", "mpeg2video"), remux(mp4, tmp_path / "v.3gp", "3gp"),
             encoded(tmp_path / "v.mpg", "vob", "mpeg2video"), encoded(tmp_path / "v.wmv", "asf", "wmv2"),
             remux(mp4, tmp_path / "a.m4a", "ipod", types=("audio",)),
             make_docx(tmp_path / "d.docx", title="说明"), make_text_pdf(tmp_path / "d.pdf", ["第一行"]),
             make_zip(tmp_path / "z.zip", {"a.txt": b"x"}), FIXTURES / "rar" / "rar5-subdirs.rar"]
    junk = tmp_path / "junk.ts"
    hanging_ts_junk(junk)
    files.append(junk)
    _open(page, server[0])
    page.frame_locator(FRAME).get_by_role("button", name="选择整个文件夹").wait_for()
    frame = next(f for f in page.frames if f.evaluate("() => !!window.BrowserMedia"))
    seen = {}
    for f in files:
        kind = sniff_path(f)
        head = list(f.read_bytes()[:1024])
        got = frame.evaluate("h => BrowserMedia.videoKind(new Uint8Array(h))", head)
        seen[f.name] = (kind, got)
        assert got == (kind if kind in VIDEO_KINDS else None), (f.name, kind, got)
    assert {k for k, _ in seen.values()} >= {"mp4", "mov", "mkv", "avi", "flv", "mpegts", "3gp", "mpeg", "wmv",
                                               "m4a", "docx", "pdf", "zip", "rar"}, seen


@pytest.mark.parametrize("how, reason", [
    ("missing", "分析出错"),                        # the .wasm cannot be fetched: MediaInfo cannot start
    ("hanging", "本机分析超过 10 秒仍未完成"),        # the .wasm never arrives: the 10 s limit
    ("junk", "本机分析超过 10 秒仍未完成"),           # MediaInfoLib 24.12 spins on it: the worker is killed
    ("refused", "分析结果未被接收：视频分析结果过大，改为上传"),  # the server refuses the JSON: its message shown
])
def test_when_the_analysis_fails_the_video_is_uploaded(browser, server, tmp_path, how, reason):
    url, data_dir = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    if how == "missing":
        ctx.route("**/MediaInfoModule.wasm", lambda route: route.fulfill(status=404, body="无"))
    elif how == "hanging":
        ctx.route("**/MediaInfoModule.wasm", lambda route: None)       # never answered
    elif how == "refused":
        ctx.route("**/api/selfcheck-media/**", lambda route: route.fulfill(
            status=413, content_type="application/json", body='{"error": "视频分析结果过大。"}'))
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        if how == "junk":
            from tests.checks.media.test_facts import hanging_ts_junk
            video = hanging_ts_junk(tmp_path / "教学活动录像.ts")
        else:
            video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
        _open(page, url)
        frame = _pick(page, "files", video, rows=1)
        note = frame.locator("#list div.note").inner_text()
        assert reason in note and note.endswith("改为上传该视频。"), note
        assert frame.locator("#list .st").inner_text() == "已上传"
        assert _received(data_dir) == {video.name: video.read_bytes()}
        if how != "junk":                  # the server's own parse of the junk takes its 15 s limit
            _check(page)
            _assert_fps_finding(page)
            assert INFO_LINE not in page.locator("[data-testid='stMain']").inner_text()
        else:
            _forget_uploads(data_dir)
    finally:
        ctx.close()
