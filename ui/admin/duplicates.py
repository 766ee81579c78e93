"""一稿多投 candidates on the import page: the two works side by side with the evidence (files with
the same content, text similarity), and the admin's decision. Nothing is excluded until then."""
from __future__ import annotations

import streamlit as st

from scoring.permissions import Actor
from ui.common import safely

CHOICES = {"keep": "两件均保留", "a": "排除左侧作品", "b": "排除右侧作品", "both": "两件都排除"}


def duplicates_panel(actor: Actor) -> None:
    from scoring.duplicates import candidates
    pairs = candidates(actor)
    if not pairs:
        return
    open_ = [p for p in pairs if p["decision"] is None]
    st.subheader("一稿多投待核定")
    st.caption(f"共 {len(pairs)} 对疑似一稿多投，其中 {len(open_)} 对待核定。系统只提示，不会自动排除；"
               "请对照证据后决定保留或排除。")
    for p in pairs:
        _pair(actor, p)


def _pair(actor: Actor, p: dict) -> None:
    from scoring.duplicates import decide
    a, b = p["works"]
    key = f"dup_{a['id']}_{b['id']}"
    done = p["decision"]
    head = f"#{a['id']}“{a['title']}” 与 #{b['id']}“{b['title']}”"
    state = "待核定" if done is None else ("已核定：" + _decision_text(done))
    with st.expander(f"{head}（{state}）", expanded=done is None):
        cols = st.columns(2)
        for col, w in zip(cols, (a, b)):
            col.markdown(f"**#{w['id']} {w['title']}**")
            col.caption(f"{w['school'] or '—'} · {'、'.join(w['authors'] or []) or '—'} · {w['stage'] or '—'}"
                        f"{' · 已排除' if w['excluded'] else ''}")
        sim = p["similarity"]
        st.markdown("**证据**：" + ("；".join(x for x in (
            f"文档文字相似度约 {sim:.0%}" if sim is not None else "",
            f"{len(p['same_files'])} 个文件内容完全相同（SHA-256 一致）" if p["same_files"] else "") if x) or "—"))
        if p["same_files"]:
            st.dataframe([{f"#{a['id']} 中的文件": x, f"#{b['id']} 中的文件": y} for x, y in p["same_files"]],
                         hide_index=True, width="stretch")
        choice = st.radio("核定结果", list(CHOICES), format_func=CHOICES.get, horizontal=True, key=f"{key}_c",
                          index=None)
        note = st.text_input("核定说明（记入审计记录）", key=f"{key}_n")
        if st.button("保存核定", key=f"{key}_go", disabled=choice is None):
            exclude = {"keep": [], "a": [a["id"]], "b": [b["id"]], "both": [a["id"], b["id"]]}[choice]
            with safely("保存一稿多投核定"):
                decide(actor, a["id"], b["id"], exclude, note)
                st.rerun()


def _decision_text(d: dict) -> str:
    ex = d.get("exclude") or []
    if not ex:
        return "两件均保留"
    if len(ex) == 2:
        return "两件都排除"
    return f"排除 #{ex[0]}"
