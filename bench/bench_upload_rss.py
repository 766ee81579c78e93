"""Peak server memory while the self-check page receives and checks a ~500 MB MP4.

Starts `streamlit run app.py` (headless, temp data dir), uploads through Debian's Chromium with
Playwright as a teacher would (职业教育实践性教学案例) using the streaming uploader
(ui/selfcheck/dropzone.py → PUT ui/selfcheck/upload_route.py), and reads the server's VmHWM from
/proc/<pid>/status. A video is analysed in the browser and never sent (only its MediaInfo JSON is), so
the upload path itself is measured with a file of the same size that is not a video (random bytes,
a 资源包 file), which the uploader must send. Two baselines, both measured in the same run:
- the same path with a small video first, so the figure printed is what the big upload adds;
- Streamlit's own st.file_uploader (bench/uploader_baseline_app.py, how the page took files before
  the streaming uploader) receiving the same non-video file in a server of its own.

    .venv/bin/python bench/bench_upload_rss.py [--mb 500]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from samplegen.media import make_video, recording_of_size  # noqa: E402
from tests.e2e.conftest import launch_browser, start_server, stop_server  # noqa: E402

OUT = REPO / "bench" / "out"


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def big_video(mb: int) -> Path:
    """A conforming 16-minute H.264/AAC file near `mb` MB."""
    return recording_of_size(OUT / f"long-{mb}mb.mp4", mb)


def blob_like(video: Path) -> Path:
    """Random bytes as many as the video: content no sniffer takes for a video, so it is uploaded."""
    out = OUT / f"blob-like-{video.stem}.bin"
    if not out.exists() or out.stat().st_size != video.stat().st_size:
        with open(out, "wb") as f:
            left = video.stat().st_size
            while left:
                n = min(left, 8 << 20)
                f.write(os.urandom(n))
                left -= n
    return out


def check_once(browser, url: str, video: Path, on_uploaded=lambda: None) -> float:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(600_000)
    page.goto(url)
    page.get_by_role("combobox", name="项目类型").click()
    page.get_by_role("option", name="职业教育实践性教学案例", exact=False).click()
    page.locator("strong", has_text="职业教育实践性教学案例").first.wait_for()
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    frame = page.frame_locator("iframe[title='作品文件上传']")
    t0 = time.monotonic()
    frame.locator("#files").set_input_files(str(video))
    frame.locator("#summary[data-state='done']").wait_for()
    on_uploaded()                   # the upload is on the server's disk; nothing checked yet
    page.locator(".st-key-sc_run button").click()
    page.get_by_role("heading", name="检查结果").wait_for()
    elapsed = time.monotonic() - t0
    page.context.close()
    return elapsed


def file_uploader_peak(browser, data: Path, video: Path) -> tuple[int, int, float]:
    """(idle VmHWM, VmHWM once st.file_uploader holds the file, seconds) in KiB, in a fresh server."""
    proc, url = start_server(data, OUT / "bench-baseline-server.log", script="bench/uploader_baseline_app.py",
                             extra_args=["--server.maxUploadSize", "2000"])
    try:
        page = browser.new_context().new_page()
        page.set_default_timeout(600_000)
        page.goto(url)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").wait_for(state="attached")
        idle = status_kb(proc.pid, "VmHWM")
        t0 = time.monotonic()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(video))
        page.get_by_text(f"已接收 {video.stat().st_size} 字节").wait_for()
        elapsed = time.monotonic() - t0
        peak = status_kb(proc.pid, "VmHWM")
        page.context.close()
        return idle, peak, elapsed
    finally:
        stop_server(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=500)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    small = OUT / "small-2s.mp4"
    if not small.exists():
        make_video(small, seconds=2)
    big = big_video(args.mb)
    blob = blob_like(big)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as data, sync_playwright() as pw:
        proc, url = start_server(Path(data), OUT / "bench-server.log")
        browser = launch_browser(pw)
        try:
            idle = status_kb(proc.pid, "VmHWM")
            t_small = check_once(browser, url, small)
            base = status_kb(proc.pid, "VmHWM")
            t_video = check_once(browser, url, big)
            after_video = status_kb(proc.pid, "VmHWM")
            marks = {}
            t_blob = check_once(browser, url, blob, lambda: marks.update(up=status_kb(proc.pid, "VmHWM")))
            peak = status_kb(proc.pid, "VmHWM")
            time.sleep(2)
            after = status_kb(proc.pid, "VmRSS")
        finally:
            stop_server(proc)
        try:
            fu_idle, fu_peak, t_fu = file_uploader_peak(browser, Path(data), blob)
        finally:
            browser.close()
    size_mb = big.stat().st_size / 1e6
    print(f"files: {big.name} and {blob.name} (random bytes), {size_mb:.0f} MB each")
    print(f"server VmHWM idle {idle / 1024:.0f} MiB; after small check (baseline) {base / 1024:.0f} MiB "
          f"({t_small:.1f} s)")
    print(f"video (analysed in the browser, not sent): VmHWM {after_video / 1024:.0f} MiB, "
          f"+{(after_video - base) / 1024:.0f} MiB ({t_video:.1f} s pick→report)")
    print(f"non-video file through the streaming uploader: VmHWM {marks['up'] / 1024:.0f} MiB once received "
          f"(+{(marks['up'] - after_video) / 1024:.0f} MiB), {peak / 1024:.0f} MiB after the check "
          f"({t_blob:.1f} s upload+check); VmRSS 2 s later {after / 1024:.0f} MiB")
    print(f"baseline st.file_uploader, same file, same run: VmHWM idle {fu_idle / 1024:.0f} MiB, holding the file "
          f"{fu_peak / 1024:.0f} MiB ({t_fu:.1f} s); receiving adds {(fu_peak - fu_idle) / 1024:.0f} MiB "
          f"= {(fu_peak - fu_idle) * 1024 / blob.stat().st_size:.2f}x the file size")
    # Goal: receiving through the streaming uploader costs under a quarter of what st.file_uploader costs.
    ratio = (marks["up"] - after_video) / max(1, fu_peak - fu_idle)
    print(f"goal: streaming receive / st.file_uploader receive = {ratio:.3f}x (goal < 0.25x); "
          f"server peak {peak / fu_peak:.2f}x of st.file_uploader's")
    if ratio >= 0.25:
        sys.exit("GOAL MISSED: the streaming uploader's receive cost is not under a quarter of st.file_uploader's")


if __name__ == "__main__":
    main()
