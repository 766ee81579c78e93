"""登记表填写助手: the title and the free-text fields of the chosen project's registration form
(附件1/2/4/5, `form_fields` of the project in contest.yaml), counted and judged by checks.package.forms.
Fields in the rules' 300-字 list are judged; the others are only counted."""
from __future__ import annotations

import streamlit as st

from checks.findings import Finding
from checks.package.forms import check_authors, check_form_fields, check_title, count_chars, form_field_names
from checks.report.html import split_fix
from checks.rules import load_rules


def _show(findings: list[Finding]) -> None:
    for f in findings:
        text, cmds = split_fix(f.fix)
        st.error(f"{f.message} 实际：{f.actual or '—'}。{text}", icon=":material/cancel:")


def form_helper(project: str | None) -> None:
    st.caption("登记表是签字扫描件，系统无法读取其中的文字。请把作品名称和各栏内容粘贴到这里，"
               "按 Word“字数统计”的算法计数。")
    title = st.text_input("作品名称", key="sc_title", placeholder="例如：探秘二十四节气")
    if title.strip():
        found = check_title(title)
        _show(found)
        if not found:
            st.success("作品名称未使用书名号。", icon=":material/check_circle:")

    if project is not None:
        n = st.number_input("作者人数", min_value=1, max_value=20, value=1, step=1, key="sc_authors")
        _show(check_authors(project, int(n)))

    if project is None:
        st.info("请先在上方选择项目类型，这里会列出该项目登记表中需要填写的栏目。")
        return
    proj = load_rules()["projects"][project]
    limit = load_rules()["form_fields"]["max_chars"]
    limited = set(form_field_names())
    names = proj.get("form_fields") or []
    if proj.get("form"):
        st.markdown(f"**{proj['form']}**（{proj['name']}）")
    cols = st.columns(2)
    for i, name in enumerate(names):
        with cols[i % 2]:
            text = st.text_area(name, key=f"sc_field_{project}_{i}", height=120)
            if not text:
                continue
            if name not in limited:
                st.caption(f"{name}：{count_chars(text)} 字（通知未限制字数）")
                continue
            found = check_form_fields({name: text})
            st.caption(f"{':red[:material/cancel:]' if found else ':green[:material/check_circle:]'} {name}：{count_chars(text)} / {limit} 字")
            _show(found)
