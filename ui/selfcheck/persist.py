"""The self-check survives a page reload in the same browser: the last result and the live upload
token are kept on the server, keyed by a hash of the browser's HttpOnly `rating_sid` cookie
(ui/http_guard.py; a session cookie, so "same browser session"). A reload starts a new Streamlit
session; `restore` puts both back. When that is impossible (no cookie, nothing kept, data folder
read-only) but the URL shows a check was under way (`?sc=1`), the page says plainly that the files
must be uploaded and checked again. Only the report is kept, never the teacher's files after a check.
"""
from __future__ import annotations

import hashlib
import logging
import pickle
import time
from pathlib import Path

import streamlit as st

log = logging.getLogger(__name__)

KEEP_S = 12 * 3600
RESTORED_KEY = "sc_restored_at"
_MARK = "sc"


def _browser_key() -> str | None:
    from ui.http_guard import BROWSER_COOKIE
    try:
        secret = st.context.cookies.get(BROWSER_COOKIE)
    except Exception:
        return None
    if not isinstance(secret, str) or not secret:
        return None
    return hashlib.sha256(b"selfcheck:" + secret.encode()).hexdigest()[:32]


def _folder() -> Path:
    from accounts import data_dir
    return data_dir() / "store" / "selfcheck"


def _path() -> Path | None:
    key = _browser_key()
    return _folder() / f"{key}.pkl" if key else None


def _load() -> dict:
    path = _path()
    try:
        with open(path, "rb") as f:         # written only by `_save` below, never by a user
            kept = pickle.load(f)
    except (TypeError, OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    return kept if isinstance(kept, dict) and time.time() - kept.get("at", 0) < KEEP_S else {}


def _save(**changes) -> None:
    path = _path()
    if path is None:
        return
    kept = {**_load(), **changes, "at": time.time()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(kept, f)
        tmp.replace(path)
        _sweep(path.parent)
    except OSError as exc:          # read-only data folder: the page still works, just forgets
        log.warning("self-check state not kept: %s", exc)
    st.query_params[_MARK] = "1"


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_S
    for f in folder.glob("*.pkl"):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass


def remember_token(token: str | None) -> None:
    if token and _load().get("token") != token:
        _save(token=token)


def remember_result(result: dict | None) -> None:
    if result:
        _save(result=result, token=None)


def restore(result_key: str) -> None:
    """At the start of a page run: give a new session this browser's kept result and upload token."""
    if st.session_state.get("_sc_restore_done"):
        return
    st.session_state["_sc_restore_done"] = True
    kept = _load()
    if kept.get("result") and result_key not in st.session_state:
        st.session_state[result_key] = kept["result"]
        st.session_state[RESTORED_KEY] = kept["at"]
    if kept.get("token") and not st.session_state.get("sc_token"):
        st.session_state["sc_token"] = kept["token"]
        st.session_state[RESTORED_KEY] = kept["at"]
    if not kept and st.query_params.get(_MARK) == "1":
        st.session_state[RESTORED_KEY] = None


def restored_note() -> None:
    """Say what a reload kept, or plainly that the check must be repeated."""
    if RESTORED_KEY not in st.session_state:
        return
    at = st.session_state.pop(RESTORED_KEY)
    if at is None:
        st.warning("页面刷新后，之前上传的文件和检查结果未能保留，请重新上传文件并点击“开始检查”。")
    else:
        st.info(f"页面已刷新：已恢复本浏览器 {time.strftime('%H:%M', time.localtime(at))} 的上传文件或检查结果。")


def forget() -> None:
    path = _path()
    if path is not None:
        path.unlink(missing_ok=True)
