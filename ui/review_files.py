"""The materials and 初审 findings of a work, as a reviewer may see them (blind).

Which files a reviewer may see and their blind names come from scoring's blind selectors
(`blind_work` checks the assignment, `blind_files` maps blind names to stored ones). The stored
location (the imported folder or archive) stays on the server: files reach the browser through
encrypted URLs, archive members through a cache copy. Nothing here renders a stored path.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from accounts import data_dir

from scoring.permissions import Actor
from ui.review_common import fmt_size, safely
from ui.review_viewer import show_file

LEVEL_NAMES = {"error": "错误", "warning": "提醒", "info": "信息"}
VIDEO_FIRST = ("video", "lesson_video", "demo_video")


def _order(f: dict) -> tuple:
    item = f.get("item") or ""
    return (0 if any(k in item for k in VIDEO_FIRST) else 1, f["path"])


def show_materials(actor: Actor, work: dict) -> None:
    files = sorted(work.get("files") or [], key=_order)
    st.subheader("作品材料")
    if not files:
        st.info("该作品没有可供评审查看的文件。")
        return
    labels = [f"{f['path']}（{fmt_size(f.get('size'))}）" for f in files]
    i = st.radio("选择文件", range(len(files)), format_func=labels.__getitem__,
                 key=f"file_pick_{work['id']}", label_visibility="collapsed")
    chosen = files[i]
    with safely("打开文件"):
        with st.spinner("正在准备文件（压缩包中的大文件首次打开需要一些时间）…"):
            path = stored_file(actor, work["id"], chosen["path"])
        show_file(path, chosen.get("kind"), chosen["path"], key=f"view_{work['id']}_{i}",
                  redact=_redactor(work["id"]))


def _work_row(work_id: int) -> tuple[dict, list[dict]]:
    from scoring import db
    cur = db.cursor()
    w = db.rows(cur, "SELECT id, authors, school, folder_name, source_path, precheck_report FROM works "
                     "WHERE id = ?", [work_id])[0]
    files = db.rows(cur, "SELECT path, kind, size, item FROM work_files WHERE work_id = ?", [work_id])
    return w, files


def stored_file(actor: Actor, work_id: int, blind_path: str) -> Path:
    """The local file behind a blind name, after scoring confirmed the actor may see the work."""
    from scoring.errors import NotFound
    from scoring.selectors import blind_files, blind_work
    blind_work(actor, work_id)                     # raises unless assigned (or admin)
    w, files = _work_row(work_id)
    ref = next((f["ref"] for f in blind_files(w, files) if f["path"] == blind_path), None)
    if ref is None:
        raise NotFound("该文件不属于此作品，或不对评委开放。")
    source = Path(w["source_path"] or "")
    if source.is_dir():
        base = source.parent.resolve()
        target = (base / ref).resolve()
        if not target.is_relative_to(source.resolve()):
            raise NotFound("文件路径无效。")
        return target
    if source.is_file():
        return _spool_from_archive(source, ref)
    raise FileNotFoundError(2, "作品文件已不在导入时的位置", "")


def _spool_from_archive(source: Path, ref: str) -> Path:
    from checks.sources import open_submission
    from ui.review_viewer import MAX_MEMBER
    stat = source.stat()
    digest = hashlib.sha256(f"{source}\x1f{stat.st_mtime_ns}\x1f{ref}".encode()).hexdigest()[:32]
    target = data_dir() / "store" / "cache" / digest
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_submission([source]) as sub:
        entry = next((e for e in sub.entries if e.path == ref), None)
        if entry is None:
            raise FileNotFoundError(2, "压缩包中找不到该文件", "")
        tmp = target.with_suffix(".part")
        with entry.open() as src, open(tmp, "wb") as dst:
            copied = 0
            while chunk := src.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_MEMBER:
                    raise OSError(27, "文件过大")
                dst.write(chunk)
        tmp.replace(target)
    _prune(target.parent)
    return target


def _prune(cache: Path, max_age_s: float = 3 * 86400) -> None:
    """Drop cache copies nobody opened for a few days (they are re-made on demand)."""
    import time
    cutoff = time.time() - max_age_s
    for f in cache.iterdir():
        try:
            if max(f.stat().st_atime, f.stat().st_mtime) < cutoff:
                f.unlink()
        except OSError:
            pass


def _secrets(w: dict) -> list[str]:
    names = [*(w.get("authors") or []), w.get("school") or "", w.get("folder_name") or ""]
    return sorted((n for n in names if n and len(n) >= 2), key=len, reverse=True)


def _redactor(work_id: int):
    """Masks the work's author, school and level-1 names in text that comes from inside its files."""
    secrets = _secrets(_work_row(work_id)[0])

    def redact(text: str) -> str:
        for s in secrets:
            text = text.replace(s, "＊＊")
        return text
    return redact


def blind_findings(work_id: int) -> list[dict]:
    """初审 findings a reviewer may read: none about hidden items or the level-1 folder name, paths
    stripped of the level-1 folder, author/school/folder names masked in the messages."""
    from scoring.selectors import blind_files
    w, _ = _work_row(work_id)
    report = json.loads(w["precheck_report"]) if w.get("precheck_report") else {}
    secrets = _secrets(w)
    out = []
    for f in report.get("findings", []):
        if f.get("rule") in ("package.naming", "package.archive", "form.authors"):
            continue
        path = f.get("path")
        if path:
            shown = blind_files(w, [{"path": path, "kind": None, "size": None, "item": f.get("item")}])
            if not shown:
                continue
            path = shown[0]["path"]
        msg = f.get("message") or ""
        for s in secrets:
            msg = msg.replace(s, "＊＊")
        out.append({"level": f.get("level"), "message": msg, "path": path})
    return out


def show_precheck(actor: Actor, work: dict) -> None:
    findings = []
    with safely("读取初审结果"):
        findings = blind_findings(work["id"])
    with st.expander(f"初审结果（{len(findings)} 条）", expanded=False):
        if not findings:
            st.caption("初审未发现问题。")
        for f in findings:
            text = f"**{LEVEL_NAMES.get(f.get('level'), f.get('level'))}** {f.get('message', '')}"
            if f.get("path"):
                text += f"（{f['path']}）"
            (st.error if f.get("level") == "error" else st.warning if f.get("level") == "warning"
             else st.info)(text)
