"""Time from picking a ~500 MB video to the verdict on the self-check page, and the bytes sent to the
server: checked in the browser (issue 9: MediaInfo WebAssembly, only its JSON sent) versus uploaded
then checked (the baseline, measured in the same run: the same page with WebAssembly switched off,
which is the uploader's fallback). Debian's Chromium, the page's network throttled to 100 Mbit/s
both ways with CDP Network.emulateNetworkConditions, as on a school's link.

"Row verdict" is the video's own verdict in the uploader row (the server judges the browser's JSON
for the chosen project as soon as it arrives, before 开始检查); "report" is the full report after
开始检查, pressed as soon as the uploader is done. "Bytes sent" is what the two routes stored from request bodies (the token folder just before
开始检查). The clock starts when the file is chosen in the file chooser opened by 选择文件 (moving
to that button already starts loading MediaInfo). In-browser runs: "cold" is a fresh browser
profile (the .wasm not cached yet), "warm" a second page in the same profile (.wasm cached).

    .venv/bin/python bench/bench_browser_video.py [--mb 500] [--mbit 100] [--repeat 3]
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

from samplegen.media import recording_of_size  # noqa: E402
from tests.e2e.conftest import launch_browser, start_server, stop_server  # noqa: E402

OUT = REPO / "bench" / "out"
FRAME = "iframe[title='作品文件上传']"


def big_video(mb: int, faststart: bool) -> Path:
    return recording_of_size(OUT / f"long-{mb}mb{'' if faststart else '-moovlast'}.mp4", mb, faststart)


def received(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in (data_dir / "uploads" / "selfcheck").glob("up-*/files/**/*")
               if p.is_file())


def check_once(ctx, url: str, video: Path, data_dir: Path, mbit: float) -> dict:
    """One pick-to-verdict run; the teacher clicks 选择文件 and picks the video in the file chooser."""
    ctx.clear_cookies()        # a fresh page, not the last run's restored report; the .wasm stays cached
    page = ctx.new_page()
    page.set_default_timeout(900_000)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = mbit * 1e6 / 8
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 2,
                                                  "downloadThroughput": rate, "uploadThroughput": rate})
    page.goto(url)
    page.get_by_role("combobox", name="项目类型").click()
    page.get_by_role("option", name="职业教育实践性教学案例", exact=False).click()
    page.locator("strong", has_text="职业教育实践性教学案例").first.wait_for()
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    frame = page.frame_locator(FRAME)
    with page.expect_file_chooser() as chooser:
        frame.get_by_role("button", name="选择文件（可多选，含 ZIP/RAR）").click()
    t0 = time.monotonic()
    chooser.value.set_files(str(video))
    frame.locator("#summary[data-state='done']").wait_for()
    t_ready = time.monotonic() - t0
    t_row = None
    if frame.locator("#list > div[data-verdict]").count():      # only a video analysed here has one
        t_row = t_ready
    sent = received(data_dir)                 # before the check deletes the token folder
    row = frame.locator("#list > div").first
    info = row.evaluate("e => ({...e.dataset})")
    state = row.locator(".st").inner_text()
    page.locator(".st-key-sc_run button").click()
    page.get_by_role("heading", name="检查结果").wait_for()
    elapsed = time.monotonic() - t0
    assert "规则编号" in page.locator("[data-testid='stMain']").inner_text()
    page.close()
    return {"verdict_s": elapsed, "ready_s": t_ready, "row_s": t_row, "sent": sent, "state": state,
            "analyse_ms": info.get("analyseMs"), "parse_ms": info.get("parseMs"), "read": info.get("readBytes")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=500)
    ap.add_argument("--mbit", type=float, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="warm in-browser runs per file (median and best shown)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    videos = {"moov first": big_video(args.mb, True), "moov at the end": big_video(args.mb, False)}
    from playwright.sync_api import sync_playwright
    rows = []
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as data, sync_playwright() as pw:
        data_dir = Path(data)
        proc, url = start_server(data_dir, OUT / "bench-browser-video-server.log")
        browser = launch_browser(pw)
        try:
            for label, video in videos.items():
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                rows.append((f"in browser, cold ({label})", video, check_once(ctx, url, video, data_dir, args.mbit)))
                warm = [check_once(ctx, url, video, data_dir, args.mbit) for _ in range(args.repeat)]
                warm.sort(key=lambda r: r["verdict_s"])
                rows.append((f"in browser, warm, median of {args.repeat} ({label})", video, warm[len(warm) // 2]))
                rows.append((f"in browser, warm, best of {args.repeat} ({label})", video, warm[0]))
                ctx.close()
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            ctx.add_init_script("delete globalThis.WebAssembly")     # the uploader falls back to upload
            video = videos["moov first"]
            rows.append(("upload then check (moov first)", video, check_once(ctx, url, video, data_dir, args.mbit)))
            ctx.close()
        finally:
            browser.close()
            stop_server(proc)
    base = rows[-1][2]
    print(f"load average (1 min) before/after: {load0:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(shared machine: absolute times vary between runs, the ratios much less)")
    print(f"network: {args.mbit:g} Mbit/s up and down (CDP); "
          + ", ".join(f"{v.name} {v.stat().st_size / 1e6:.0f} MB" for v in videos.values()))
    print("ready = the uploader says 全部上传完成 (analysed or uploaded); row verdict = the video's verdict "
          "in its uploader row (in-browser path only: the same moment as ready); report = the full report "
          "after 开始检查 (pressed as soon as ready). Ratios against upload-then-check's report.")
    print(f"{'path':46} {'pick→row verdict':>16} {'pick→report':>11} {'sent to server':>16} {'verdict ratio':>13} "
          f"{'bytes ratio':>11}  row; in-browser analysis (MediaInfo parse), bytes MediaInfo read")
    for label, video, r in rows:
        extra = (f"; {r['analyse_ms']} ms ({r['parse_ms']} ms), read {int(r['read']) / 1e6:.2f} MB of "
                 f"{video.stat().st_size / 1e6:.0f} MB") if r["state"].startswith("已分析") else ""
        first = r["row_s"] if r["row_s"] is not None else r["verdict_s"]
        row = f"{r['row_s']:14.2f} s" if r["row_s"] is not None else f"{'—':>16}"
        print(f"{label:46} {row} {r['verdict_s']:9.2f} s {r['sent']:14,d} B "
              f"{first / base['verdict_s']:12.3f}x {r['sent'] / base['sent']:10.6f}x  {r['state']}{extra}")

if __name__ == "__main__":
    main()
