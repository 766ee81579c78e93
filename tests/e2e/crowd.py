"""Many teachers at once in Debian's Chromium: N pages opened together, each uploads a package
folder and runs the check. Used by tests/e2e/test_many_pages.py (all must succeed) and by
bench/bench_pages.py (which also reads the times). Async Playwright in its own thread, so it can
run beside the sync fixtures of the other browser tests."""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

UPLOADER = "iframe[title='作品文件上传']"


async def _teacher(browser, url: str, folder: Path, t0: float, out: dict, timeout_ms: int) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    try:
        page = await ctx.new_page()
        page.set_default_timeout(timeout_ms)
        out["step"] = "open"
        await page.goto(url)
        frame = page.frame_locator(UPLOADER)
        await frame.get_by_role("button", name="选择整个文件夹").wait_for()
        out["ready_s"] = time.monotonic() - t0
        out["step"] = "upload"
        await frame.locator("#dir").set_input_files(str(folder))
        await frame.locator("#summary[data-state='done']").wait_for()
        out["step"] = "idle before 开始检查"
        await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
        out["step"] = "click 开始检查"
        await page.locator(".st-key-sc_run button").click()
        out["step"] = "verdict"
        verdict = page.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']").first
        await page.get_by_role("heading", name="检查结果").wait_for()
        out["verdict"] = (await verdict.inner_text()).split()[-1]
        out["verdict_s"] = time.monotonic() - t0
        out["page"] = page
        if out.get("keep_open_s"):
            await asyncio.sleep(out["keep_open_s"])
    except Exception as exc:                 # reported per page; the caller decides
        lines = f"{type(exc).__name__}: {exc}".splitlines()
        out["error"] = f"at {out.get('step')}: {lines[0]}"
        out["log"] = lines[-4:]
        await _keep_evidence(ctx, out)
    finally:
        await ctx.close()


async def _keep_evidence(ctx, out: dict) -> None:
    """A failed page leaves what it shows in test-artifacts and in its error: a screenshot, the
    script state, and for a 开始检查 button that cannot be clicked, which ancestor hides it."""
    page = ctx.pages[0]
    notes = []
    try:
        notes.append("script " + str(await page.locator("[data-testid='stApp']").get_attribute(
            "data-test-script-state", timeout=30_000)))
        notes.append(f"{await page.locator('.st-key-sc_run button').count()} 开始检查 button(s)")
        hidden = await page.evaluate(_HIDDEN_BY)
        if hidden:
            notes.append("hidden by " + " < ".join(hidden))
        texts = await page.locator("[role='dialog'], [data-testid='stStatusWidget']").all_inner_texts()
        notes += [t.strip() for t in texts if t.strip()]
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"crowd-failed-{id(out)}.png"
        await page.screenshot(path=str(shot), timeout=30_000)
        notes.append(f"screenshot {shot.name}")
    except Exception as exc:                 # evidence is best effort; the error above stands
        notes.append(f"no more evidence: {type(exc).__name__}")
    out["error"] += " | " + "; ".join(notes)


_HIDDEN_BY = """() => {
  const b = document.querySelector('.st-key-sc_run button');
  if (!b) return [];
  const r = b.getBoundingClientRect();
  const out = [`button ${Math.round(r.width)}x${Math.round(r.height)} at ${Math.round(r.y)}`];
  for (let e = b; e && e !== document.body; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || e.hidden || cs.opacity === '0')
      out.push(`${e.tagName.toLowerCase()}[${e.getAttribute('data-testid') || e.className || ''}]`
               + ` display=${cs.display} visibility=${cs.visibility} hidden=${e.hidden} opacity=${cs.opacity}`);
  }
  return out;
}"""


async def _crowd(url: str, folder: Path, n: int, timeout_ms: int, on_all_done=None) -> list[dict]:
    from playwright.async_api import async_playwright
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            t0 = time.monotonic()
            results = [{} for _ in range(n)]
            await asyncio.gather(*(_teacher(browser, url, folder, t0, r, timeout_ms) for r in results))
            return results
        finally:
            await browser.close()


def run_crowd(url: str, folder: Path, n: int = 15, timeout_ms: int = 300_000) -> list[dict]:
    """Open n pages at the same moment; per page {ready_s, verdict, verdict_s} or {error}."""
    box: dict = {}

    def target():
        try:
            box["results"] = asyncio.run(_crowd(url, folder, n, timeout_ms))
        except BaseException as exc:
            box["error"] = exc
    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    for r in box["results"]:
        r.pop("page", None)
    return box["results"]
