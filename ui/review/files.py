"""The materials and 初审 findings of a work, as a reviewer may see them (blind).

Which files a reviewer may see, where the file behind a blind name is stored and which 初审
findings they may read all come from scoring (`scoring.blind_files`), which checks the actor on
every call; nothing here reads the database. The stored location (the imported folder or
archive) stays on the server: files reach the browser as blinded copies (scoring.blind_copy) through
links bound to the browser and the user. Nothing here renders a stored path.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from scoring.blind_copy import viewer_file
from scoring.blind_files import blind_findings, blind_redactor
from scoring.permissions import Actor
from ui.common import fmt_size, safely
from ui.review.media_route import LinkFor
from ui.review.viewer import show_file, show_text

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
        with st.spinner("正在准备文件（首次打开需要去除文件中的作者信息，大文件需要一些时间）…"):
            got = viewer_file(actor, work["id"], chosen["path"])
        if not got["downloadable"]:
            show_text(got.get("text") or "", chosen["path"],
                      "为保证匿名评审，此文件只显示遮盖了作者与单位名称的文字，不提供原文件下载。")
            return
        for name in got.get("withheld") or []:
            st.warning(f"压缩包中的“{name}”：文件过大或结构异常，无法预览。")
        show_file(Path(got["path"]), got.get("kind"), got["name"], key=f"view_{work['id']}_{i}",
                  link=LinkFor(actor, work["id"], chosen["path"]), redact=blind_redactor(actor, work["id"]))


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
