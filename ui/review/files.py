"""The materials and 初审 findings of a work, as a reviewer may see them (blind).

Which files a reviewer may see, where the file behind a blind name is stored and which 初审
findings they may read all come from scoring (`scoring.blind_files`), which checks the actor on
every call; nothing here reads the database. The stored location (the imported folder or
archive) stays on the server: files reach the browser through encrypted URLs, archive members
through a cache copy. Nothing here renders a stored path.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from accounts import data_dir

from scoring.blind_files import blind_file, blind_findings, blind_redactor
from scoring.permissions import Actor
from ui.common import fmt_size, safely
from ui.review.viewer import copy_capped, show_file

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
                  redact=blind_redactor(actor, work["id"]))


def stored_file(actor: Actor, work_id: int, blind_path: str) -> Path:
    """The local file behind a blind name (an archive member is copied to the cache first);
    scoring refuses it unless the actor may see this file of this work."""
    found = blind_file(actor, work_id, blind_path)
    if found["member"] is None:
        return Path(found["path"])
    return _spool_from_archive(Path(found["path"]), found["member"])


def _spool_from_archive(source: Path, ref: str) -> Path:
    from checks.sources import open_submission
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
        with entry.open() as src:
            copy_capped(src, target)
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


def show_precheck(actor: Actor, work: dict) -> None:
    findings = []
    with safely("读取初审结果"):
        findings = blind_findings(actor, work["id"])
    with st.expander(f"初审结果（{len(findings)} 条）", expanded=False):
        if not findings:
            st.caption("初审未发现问题。")
        from checks.rules import rule_title
        for f in findings:
            text = (f"**{LEVEL_NAMES.get(f.get('level'), f.get('level'))}·{rule_title(f.get('rule') or '')}**："
                    f"{f.get('message', '')}")
            if f.get("path"):
                text += f"（{f['path']}）"
            text += f" :small[:gray[{f.get('rule') or ''}]]"
            (st.error if f.get("level") == "error" else st.warning if f.get("level") == "warning"
             else st.info)(text)
