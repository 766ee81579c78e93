"""The checklist under the streaming uploader, ticked from the token folder as uploads finish.

The route (ui/selfcheck/upload_route.py) moves each upload into the token's files/ folder only once it is
complete, so listing that folder on disk is the upload progress; no HTTP, no state in the session.
Which item each file fills is checks.package.preview's business (names and sizes only, a preview).

Idle costs nothing: the checklist is a fragment with no timer. The uploader frame (same origin)
presses the fragment's hidden 刷新清单 button when files finish or the list is cleared, so the
fragment reruns only on those events, never on its own.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import streamlit as st

from checks.package.preview import preview_items
from checks.report.html import project_name

log = logging.getLogger(__name__)
REFRESH_KEY = "sc_refresh"            # the hidden button the uploader frame presses (dropzone.py)
_MAX_LISTED = 5000                    # the route accepts 2000 files per token; never walk more than this
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$:])")


def list_uploads(root: Path | None) -> dict[str, int]:
    """{relative posix path: size} of the finished uploads under root; {} when there is no folder.
    A file deleted while we walk (the 清空 button) is simply skipped."""
    out: dict[str, int] = {}
    if root is None:
        return out
    try:
        for p in root.rglob("*"):
            if len(out) >= _MAX_LISTED:
                break
            try:
                if p.is_file() and not p.is_symlink():
                    out[p.relative_to(root).as_posix()] = p.stat().st_size
            except OSError:
                continue
    except OSError:
        pass
    return out


def token_uploads(token: str) -> dict[str, int]:
    from ui.selfcheck import upload_route
    return list_uploads(upload_route.files_root(token))


def _md(text: str) -> str:
    """Upload names are untrusted: shown literally, never as Markdown, colours or icons."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_checklist(files: dict[str, int], project: str | None) -> None:
    """The preview checklist for the files received so far (files: path -> size, as list_uploads)."""
    with st.container(key="sc_preview"):
        if not files:
            st.caption("文件上传完成后，这里会按文件名逐项勾选报送内容清单。")
            return
        pv = preview_items(project, list(files), files)
        st.markdown(f"**已收到 {len(files)} 个文件**，共 {sum(files.values()) / 1e6:.1f} MB")
        if pv["archive"]:
            st.info(f"已收到压缩包“{_md(pv['archive'])}”：其中的文件在点击“开始检查”后读取并逐项核对。")
            return
        if pv["project"] is None:
            st.info("还不能确定项目类型：请在上方选择项目类型，或上传完整的一级文件夹"
                    "（二级文件夹以项目名称命名，如“融合创新应用教学案例”）。")
            return
        how = f"按二级文件夹“{_md(pv['level2'])}”识别" if pv["project_source"] == "folder" else "已选择"
        st.caption(f"项目类型：{_md(project_name(pv['project']))}（{how}）"
                   + (f" · 作品名称：{_md(pv['level3'])}" if pv["level3"] else ""))
        lines = []
        for it in pv["items"]:
            names = "、".join(_md(p.rsplit("/", 1)[-1]) for p in it["files"])
            mark = "✅" if it["files"] else "⬜"
            label = f"**{_md(it['name'])}**" + ("" if it["required"] else "（可选）")
            lines.append(f"- {mark} {label}：{names or '尚未收到'}")
        st.markdown("\n".join(lines))
        if pv["unplaced"]:
            st.caption(f"另有 {len(pv['unplaced'])} 个文件不在“作品名称”文件夹内，检查时会指出位置问题。")
        st.caption(pv["note"])


@st.fragment
def live_checklist(token: str, project: str | None) -> None:
    """Re-drawn (alone, not the page) when the uploader frame reports finished files."""
    st.button("刷新清单", key=REFRESH_KEY)
    st.html(f"<style>.st-key-{REFRESH_KEY}{{display:none}}</style>")
    try:
        render_checklist(token_uploads(token), project)
    except Exception:                # a preview must never break the page or hide the uploader
        log.exception("upload checklist preview failed")
        st.caption("暂时无法显示上传清单；不影响检查，上传完成后请点击“开始检查”。")
