"""The verdict view: overall verdict, checklist, per-file rows with fixes, video facts, downloads.

Everything shown comes from the Report the engine made; checks.report.html words it, so the page
and the downloaded HTML/Excel always agree.
"""
from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from checks.findings import Finding, Report
from checks.findings import ERROR, INFO, WARNING
from checks.report.html import (LEVEL_ZH, OK, OPTIONAL, finding_groups, item_rows, project_name,
                                render_html, render_xlsx, split_fix, verdict, video_rows)
from ui.uploads import display_path

log = logging.getLogger(__name__)
# Material icons ship with Streamlit, so they render on any machine (emoji fonts may be missing).
ICON = {ERROR: ":material/cancel:", WARNING: ":material/warning:", INFO: ":material/info:",
        OK: ":material/check_circle:", OPTIONAL: ":material/remove_circle_outline:"}
COLOR = {ERROR: "red", WARNING: "orange", INFO: "blue", OK: "green", OPTIONAL: "gray"}


def badge(status: str) -> str:
    return f":{COLOR[status]}[{ICON[status]}]"


def _finding(f: Finding) -> None:
    st.markdown(f"{badge(f.level)} **:{COLOR[f.level]}[{LEVEL_ZH[f.level]}]：{f.message}**")
    if f.expected or f.actual:
        st.markdown(f"要求：{f.expected or '—'}　｜　实际：{f.actual or '—'}")
    text, commands = split_fix(f.fix)
    if text:
        st.markdown(f"修改方法：{text}")
    for cmd in commands:
        st.code(cmd, language="bash", wrap_lines=True)
    st.caption(f"规则编号 {f.rule}")


def render_report(report: Report, root: str | None = None, names: list[str] | None = None) -> None:
    display = partial(display_path, root=Path(root) if root else None)
    passed, headline = verdict(report)
    st.subheader("检查结果")
    if passed:
        st.success(f"**{headline}**", icon=ICON[OK])
    else:
        st.error(f"**{headline}**", icon=ICON[ERROR])
    extra = f"，上传 {len(names)} 项：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}" if names else ""
    st.caption(f"项目类型：{project_name(report.project)} · 共检查 {len(report.files)} 个文件{extra}")

    _package_line(report.package)
    rows = item_rows(report, lambda p: display(p).rsplit("/", 1)[-1])
    if rows:
        st.markdown("#### 报送内容清单")
        st.markdown("\n".join(_item_line(r) for r in rows))

    st.markdown("#### 逐个文件")
    for g in finding_groups(report, display):
        with st.expander(g.title, icon=ICON[g.status], expanded=bool(g.findings)):
            if not g.findings:
                st.markdown("未发现问题。")
            for f in g.findings:
                _finding(f)

    vids = video_rows(report, display)
    if vids:
        st.markdown("#### 视频参数一览")
        st.table(pd.DataFrame(vids).set_index("文件"))

    _downloads(report, display)


def _item_line(r) -> str:
    head = f"- {badge(r.status)} **{r.name}**{'' if r.required else '（可选）'}：{r.state}"
    if not r.files:
        return head + "，要求 " + r.formats
    # How each file was recognised, so a teacher sees what was taken for what.
    return head + "".join(f"\n    - {p}" + (f" · :gray[{w}]" if w else "") for p, w in zip(r.files, r.why))


_PACKAGE_LABELS = {"stage": "学段", "school": "学校", "authors": "作者", "level2": "项目文件夹", "title": "作品名称"}


def _package_line(package: dict | None) -> None:
    """What the engine read from the folder names, so a teacher sees how the tree was understood."""
    if not package:
        return
    parts = [f"{label}：{'、'.join(v) if isinstance(v, list) else v}"
             for k, label in _PACKAGE_LABELS.items() if (v := package.get(k))]
    if parts:
        st.caption("文件夹识别结果 · " + " · ".join(parts))


def _downloads(report: Report, display) -> None:
    cols = st.columns(2)
    try:
        cols[0].download_button("下载完整报告（HTML）", render_html(report, display).encode("utf-8"),
                                file_name="自查报告.html", mime="text/html", key="sc_dl_html")
        cols[1].download_button("下载检查结果（Excel）", render_xlsx(report, display),
                                file_name="自查报告.xlsx", key="sc_dl_xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    except Exception:              # a broken download must not hide the verdict above
        log.exception("report download rendering failed")
        st.warning("报告文件生成失败，请截图保存本页结果。")
