"""The scoring form of one work: rubric criteria with descriptors, live total, veto, comments.

Inputs are plain widgets (not st.form) so the total updates as the reviewer types. Saving and
submitting go through scoring.reviews, which enforces assignment, ranges and the submitted lock;
the form also refuses locally (disabled when submitted) so the reviewer sees why at once.
"""
from __future__ import annotations

import streamlit as st

from scoring.permissions import Actor
from ui.common import STATUS_NAMES, safely


def rubric_form(actor: Actor, work: dict) -> None:
    from scoring.reviews import save_review

    rubric, review = work["rubric"], work.get("review") or {}
    wid = work["id"]
    saved = review.get("scores") or {}
    locked = review.get("status") == "submitted"
    st.subheader(f"评分（{rubric['name']}，满分 {rubric['max_total']:g}）")
    if locked:
        st.success("您已提交该作品的评审，评分已锁定。如需修改，请联系管理员退回。")

    scores: dict[str, float | None] = {}
    for c in rubric["criteria"]:
        weight = f"，权重 {c['weight']:g}" if c["weight"] != 1 else ""
        with st.container(border=True):
            st.markdown(f"**{c['name']}**（0–{c['max']:g} 分{weight}）")
            for d in c["descriptors"]:
                st.caption(f"· {d}")
            scores[c["key"]] = st.number_input(
                f"{c['name']} 得分", min_value=0.0, max_value=float(c["max"]), step=0.5,
                value=float(saved[c["key"]]) if c["key"] in saved else None, placeholder="未评分",
                key=f"score_{wid}_{c['key']}", disabled=locked, label_visibility="collapsed")

    entered = {k: v for k, v in scores.items() if v is not None}
    total = round(sum(v * c["weight"] for c in rubric["criteria"] if (v := entered.get(c["key"])) is not None), 2)
    missing = [c["name"] for c in rubric["criteria"] if c["key"] not in entered]
    st.metric("当前总分", f"{total:g} / {rubric['max_total']:g}",
              help="各指标得分 × 权重之和，随输入即时更新")
    if missing:
        st.caption(f"未评分：{'、'.join(missing)}")

    veto_cfg = rubric["veto"]
    veto = st.checkbox(f"{veto_cfg['name']}（{'、'.join(veto_cfg['reasons'])}）", value=bool(review.get("veto")),
                       key=f"veto_{wid}", disabled=locked, help=veto_cfg.get("description") or None)
    reason = None
    if veto:
        reasons = veto_cfg["reasons"]
        old = review.get("veto_reason")
        reason = st.radio("否决理由", reasons, index=reasons.index(old) if old in reasons else 0,
                          key=f"veto_reason_{wid}", disabled=locked, horizontal=True)
    comment = st.text_area("给教师的评语（教师可见）", value=review.get("comment") or "", max_chars=5000,
                           key=f"comment_{wid}", disabled=locked)
    note = st.text_area("内部备注（仅评委与管理员可见）", value=review.get("internal_note") or "", max_chars=5000,
                        key=f"note_{wid}", disabled=locked)
    if locked:
        return

    status = STATUS_NAMES.get(review.get("status") or "todo", "")
    st.caption(f"当前状态：{status}")
    c1, c2 = st.columns(2)
    fields = dict(comment=comment, internal_note=note, veto=veto, veto_reason=reason)
    if c1.button("保存草稿", key=f"save_{wid}", width="stretch"):
        with safely("保存草稿"):
            save_review(actor, wid, entered, **fields)
            st.toast("草稿已保存")
    confirm = c2.checkbox("确认提交（提交后不能再修改）", key=f"confirm_{wid}")
    if c2.button("提交评审", key=f"submit_{wid}", type="primary", width="stretch",
                 disabled=not confirm):
        if missing:
            st.error(f"还有指标未评分，不能提交：{'、'.join(missing)}")
            return
        with safely("提交评审"):
            save_review(actor, wid, entered, submit=True, **fields)
            st.session_state[f"submitted_{wid}"] = True
            st.rerun()
