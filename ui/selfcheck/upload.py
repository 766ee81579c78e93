"""Upload widgets and the check run: spool to disk, free the upload, check, clean up.

Any unexpected exception becomes a Chinese message (and a log line with the traceback); the
teacher never sees a traceback.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st

from ui.uploads import new_spool_dir, remove_tree, spool_one

log = logging.getLogger(__name__)
RESULT_KEY = "sc_result"


def upload_widgets() -> list:
    """The two uploaders (files/archives, whole folder); returns every UploadedFile."""
    gen = st.session_state.setdefault("sc_gen", 0)   # bumped after a check to empty the widgets
    c1, c2 = st.columns(2)
    files = c1.file_uploader("上传文件（可多选，也可上传 RAR/ZIP 压缩包）", accept_multiple_files=True,
                             key=f"sc_files_{gen}")
    folder = c2.file_uploader("上传整个文件夹", accept_multiple_files="directory", key=f"sc_dir_{gen}",
                              help="选择一级文件夹（学段+学校+教师姓名），其中的子文件夹会一并上传。")
    return [*(files or []), *(folder or [])]


def _release(uploads: list) -> None:
    """Drop the server's in-memory copy of each upload once it is on disk (internal API, guarded)."""
    try:
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        ctx = get_script_run_ctx()
        mgr = getattr(ctx, "uploaded_file_mgr", None)
        if isinstance(mgr, MemoryUploadedFileManager):
            for up in uploads:
                mgr.remove_file(session_id=ctx.session_id, file_id=up.file_id)
    except Exception:            # freeing early is an optimisation; the session end frees anyway
        log.warning("could not release uploaded files early", exc_info=True)
    for up in uploads:
        up.close()


def _progress_cb(bar):
    """Adapt whatever the engine reports (fraction, (done, total[, text]) or text) to a bar."""
    def cb(*args, **kwargs):
        try:
            frac, text = None, kwargs.get("message") or kwargs.get("text")
            nums = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
            strs = [a for a in args if isinstance(a, str)]
            if len(nums) >= 2 and nums[1]:
                frac = nums[0] / nums[1]
            elif len(nums) == 1 and nums[0] <= 1:
                frac = nums[0]
            text = text or (strs[0] if strs else None)
            text = text.replace("\\", "/").rsplit("/", 1)[-1] if text else None   # no temp dirs on screen
            bar.progress(min(max(frac or 0.0, 0.0), 1.0), text=f"正在检查：{text}" if text else "正在检查……")
        except Exception:
            pass
    return cb


def _spool_base():
    """Spool under the app's data dir (real disk), else (read-only data dir) the system temp dir."""
    try:
        from accounts.store import data_dir
        from scoring.db_errors import writable
        base = data_dir() / "uploads" / "selfcheck"
        return base if writable(base) else None
    except Exception:
        return None


def _check_root(root: Path, names: list[str], project: str | None, subtype: str | None, bar, t0: float,
                browser_media: bool = False) -> None:
    """Check every top-level entry under root in the process pool and store the result (raises on
    engine failure). This session's script thread only waits; other sessions keep rendering."""
    from checkpool import QueueFull, get_pool
    paths = sorted(root.iterdir(), key=lambda p: p.name)
    progress_file = root.with_name(root.name + ".progress")
    try:
        ticket = get_pool().submit(paths, project, subtype, progress_file=progress_file,
                                   browser_media=browser_media)
    except QueueFull:
        st.session_state[RESULT_KEY] = {"error": "现在检查的作品太多，服务器繁忙，请稍后再试。"}
        return
    try:
        report = _wait(ticket, progress_file, bar)
    finally:
        ticket.cancel()                  # a no-op once it ran; frees its place if the session stopped
        progress_file.unlink(missing_ok=True)
    st.session_state[RESULT_KEY] = {"report": report, "root": str(root), "names": names}
    log.info("self-check done: %d files, %s, %.1fs", len(report.files), report.verdict, time.monotonic() - t0)


def _wait(ticket, progress_file: Path, bar):
    """Show the place in the queue, then the engine's progress, until the report is there."""
    import concurrent.futures as cf
    import json
    show = _progress_cb(bar)
    while True:
        try:
            return ticket.result(timeout=0.5)
        except cf.TimeoutError:
            pass
        ahead = ticket.ahead()
        if ahead:
            bar.progress(0.0, text=f"排队等待：前面还有 {ahead} 份作品在检查，请稍候……")
            continue
        try:
            show(*json.loads(progress_file.read_text()))
        except (OSError, ValueError, TypeError):
            show(0.0)


def _failed() -> None:
    log.exception("self-check failed")
    st.session_state[RESULT_KEY] = {"error": "检查过程中出现意外错误，未能完成检查。请确认文件能正常打开后重试；"
                                             "如仍出错，请把文件和本提示一起反馈给管理员。"}


def run_check(uploads: list, project: str | None, subtype: str | None) -> None:
    """Fallback path (st.file_uploader): spool, check, store the result in session state; never raises."""
    try:
        root = new_spool_dir(_spool_base())
    except OSError as exc:
        log.error("no folder to receive uploads: %s", exc)
        st.session_state[RESULT_KEY] = {"error": f"服务器没有可写入的临时文件夹（{exc.strerror}），无法接收文件。请联系管理员。"}
        return
    names = sorted({(up.name.replace("\\", "/").split("/") or [up.name])[0] for up in uploads})
    bar = st.progress(0.0, text="正在接收文件……")
    t0 = time.monotonic()
    try:
        total = sum(getattr(up, "size", 0) for up in uploads) or 1
        done = 0
        for up in uploads:
            spool_one(up, root)
            done += getattr(up, "size", 0)
            bar.progress(min(done / total, 1.0), text=f"正在接收文件……{done / 1e6:.0f} / {total / 1e6:.0f} MB")
        _release(uploads)
        uploads.clear()
        _check_root(root, names, project, subtype, bar, t0)
    except Exception:
        _failed()
    finally:
        remove_tree(root)
        bar.empty()
        st.session_state["sc_gen"] = st.session_state.get("sc_gen", 0) + 1


def run_check_streamed(root: Path, project: str | None, subtype: str | None) -> None:
    """Streamed path: the files are already on disk under root (ui/selfcheck/upload_route.py); check them.
    The caller deletes the token folder afterwards; never raises."""
    bar = st.progress(0.0, text="正在检查……")
    t0 = time.monotonic()
    try:
        names = sorted(p.name for p in root.iterdir())
        # videos analysed in the browser are records here (ui/selfcheck/mediainfo_route.py)
        _check_root(root, names, project, subtype, bar, t0, browser_media=True)
    except Exception:
        _failed()
    finally:
        bar.empty()


def upload_token() -> str | None:
    """This session's live upload token for ui/selfcheck/upload_route.py, minted on first use and again
    after a check (its folder is deleted then) or once it expired. None when the route is not
    mounted (AppTest) or the data dir is not writable: the page then falls back to st.file_uploader."""
    from ui.selfcheck import upload_route
    if not upload_route.is_mounted():
        return None
    try:
        token = st.session_state.get("sc_token")
        if not upload_route.is_live(token):
            token = st.session_state["sc_token"] = upload_route.mint()
        return token
    except Exception:
        log.exception("could not mint an upload token; falling back to st.file_uploader")
        return None


def check_streamed(token: str, project: str | None, subtype: str | None) -> bool:
    """The 开始检查 button in streamed mode: check the token folder, then delete it. False (with a
    warning shown) when there is nothing finished to check yet."""
    from ui.selfcheck import upload_route
    state = upload_route.status(token)
    if state["active"]:
        st.warning("还有文件正在上传，请等上传完成（显示“全部上传完成”）后再点击“开始检查”。")
        return False
    root = upload_route.files_root(token)
    if root is None or not state["files"]:
        st.warning("还没有上传完成的文件：请先选择文件或文件夹，等上传完成后再点击“开始检查”。")
        return False
    try:
        run_check_streamed(root, project, subtype)
    finally:
        upload_route.discard(token)
        st.session_state.pop("sc_token", None)
    return True
