"""Project-type picker and the checklist of what the notice requires for that type."""
from __future__ import annotations

import streamlit as st

from checks.rules import load_rules

AUTO = "auto"
AUTO_LABEL = "根据上传内容自动识别"


def pick_project() -> tuple[str | None, str | None]:
    """Returns (project key or None for auto-detect, subtype key or None)."""
    projects = load_rules()["projects"]
    options = [AUTO, *projects]

    def label(key: str) -> str:
        if key == AUTO:
            return AUTO_LABEL
        p = projects[key]
        return f"{p['name']}（{p['group']}）"

    key = st.selectbox("项目类型", options, format_func=label, key="sc_project",
                       help="选“自动识别”时，按上传文件夹或压缩包中二级文件夹的名称判断项目类型。")
    subtype = None
    if key != AUTO and projects[key].get("subtypes"):
        subs = projects[key]["subtypes"]
        subtype = st.radio("案例类别", list(subs), format_func=lambda s: subs[s]["name"],
                           key="sc_subtype", horizontal=True)
    return (None if key == AUTO else key), subtype


def show_requirements(project: str | None) -> None:
    """Before any upload: what this project type must contain, straight from the rules."""
    if project is None:
        st.info("上传整个参赛文件夹或 RAR/ZIP 压缩包后，系统会按二级文件夹名称（如“融合创新应用教学案例”）"
                "识别项目类型；单独上传的文件请先选择项目类型。")
        return
    p = load_rules()["projects"][project]
    how = ("按“学段+学校+教师姓名 / 项目名称 / 作品名称”建三级文件夹，整体压缩为 RAR 后上传 FTP"
           if p.get("submission") == "package" else "在项目平台逐个上传文件（资源不得压缩）")
    st.markdown(f"**{p['name']}** · {p['group']} · 每件作品作者不超过 {p['max_authors']} 人  \n报送方式：{how}")
    lines = []
    for it in p["items"]:
        req = "必交" if it.get("required") else "可选"
        note = f"；{it['note']}" if it.get("note") else ""
        lines.append(f"- ⬜ **{it['name']}**（{req}）：{it['format_text']}{note}")
    st.markdown("\n".join(lines))
