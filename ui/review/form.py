"""The scoring form of one work: rubric criteria with descriptors, live total, veto, comments.

Inputs are plain widgets (not st.form) so the total updates as the reviewer types. Saving and
submitting go through scoring.reviews, which enforces assignment, ranges and the submitted lock;
the form also refuses locally (disabled when submitted) so the reviewer sees why at once.
"""
from __future__ import annotations

import streamlit as st

from scoring.permissions import Actor
from ui.common import STATUS_NAMES, review_status, safely


def rubric_form(actor: Actor, work: dict, next_id: int | None = None) -> None:
    """`next_id`: the reviewer's next unsubmitted work, offered as 下一件作品 once this one is in."""
    from scoring.reviews import save_review

    rubric, review = work["rubric"], work.get("review") or {}
    wid = work["id"]
    saved = review.get("scores") or {}
    locked = review.get("status") == "submitted"
    st.subheader(f"评分（{rubric['name']}，满分 {rubric['max_total']:g}）")
    if locked:
        st.success("您已提交该作品的评审，评分已锁定。如需修改，请联系管理员退回。")
        if next_id is not None:
            st.button("下一件作品", type="primary", key=f"next_{wid}", on_click=_open, args=(next_id,))
        else:
            st.info("分配给您的作品已全部提交，感谢您的评审！")
    elif review.get("returned_reason"):
        st.warning(f"已退回：管理员退回了您的评审，原因：{review['returned_reason']}。请修改后重新提交。")

    scores: dict[str, float | None] = {}
    invalid: list[str] = []
    bad: set[str] = set()
    for c in rubric["criteria"]:
        weight = f"，权重 {c['weight']:g}" if c["weight"] != 1 else ""
        with st.container(border=True):
            st.markdown(f"**{c['name']}**（0–{c['max']:g} 分{weight}）")
            for d in c["descriptors"]:
                st.caption(f"· {d}")
            # No min/max on the widget: the browser would silently keep the old value for an
            # out-of-range entry. The typed value stays and is refused here, under the field.
            value = st.number_input(
                f"{c['name']} 得分", step=0.5, format="%g",
                value=float(saved[c["key"]]) if c["key"] in saved else None, placeholder="未评分",
                key=f"score_{wid}_{c['key']}", disabled=locked, label_visibility="collapsed")
            if value is not None and not 0 <= value <= c["max"]:   # last in its box: moves nothing
                st.error(f"“{c['name']}”的分数必须在 0 到 {c['max']:g} 之间，您输入的是 {value:g}。")
                invalid.append(c["name"])
                bad.add(c["key"])
            scores[c["key"]] = value

    entered = {k: v for k, v in scores.items() if v is not None and k not in bad}
    total = round(sum(v * c["weight"] for c in rubric["criteria"] if (v := entered.get(c["key"])) is not None), 2)
    missing = [c["name"] for c in rubric["criteria"] if c["key"] not in entered]
    st.metric("当前总分", f"{total:g} / {rubric['max_total']:g}",
              help="各指标得分 × 权重之和，随输入即时更新")
    with st.container():        # fixed slots: a line that comes and goes must not move the fields below
        if missing:
            st.caption(f"未评分：{'、'.join(missing)}")

    veto_cfg = rubric["veto"]
    veto = st.checkbox(f"{veto_cfg['name']}（{'、'.join(veto_cfg['reasons'])}）", value=bool(review.get("veto")),
                       key=f"veto_{wid}", disabled=locked, help=veto_cfg.get("description") or None)
    reason = None
    with st.container():
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

    status = STATUS_NAMES.get(review_status(review) if review else "todo", "")
    st.caption(f"当前状态：{status}")
    with st.container():
        if invalid:
            st.error(f"有分数超出范围，请先改正：{'、'.join(invalid)}。改正前不能保存或提交。")
    c1, c2 = st.columns(2)
    fields = dict(comment=comment, internal_note=note, veto=veto, veto_reason=reason)
    if c1.button("保存草稿", key=f"save_{wid}", width="stretch", disabled=bool(invalid)):
        with safely("保存草稿"):
            save_review(actor, wid, scores, **fields)      # empty fields clear: saved = shown
            st.toast("草稿已保存")
    confirm = c2.checkbox("确认提交（提交后不能再修改）", key=f"confirm_{wid}")
    if c2.button("提交评审", key=f"submit_{wid}", type="primary", width="stretch",
                 disabled=not confirm or bool(invalid)):
        if missing:
            st.error(f"还有指标未评分，不能提交：{'、'.join(missing)}")
            return
        with safely("提交评审"):
            save_review(actor, wid, scores, submit=True, **fields)
            st.session_state[f"submitted_{wid}"] = True
            st.rerun()


PICK_KEY = "_work_pick_key"     # the key of the work page's selector (it changes with its texts)


def _open(work_id: int) -> None:
    """Button callback: runs before the page, so the work selector can be moved to the next work."""
    key = st.session_state.get(PICK_KEY)
    if key:
        st.session_state[key] = work_id
    st.session_state["review_work_id"] = work_id
