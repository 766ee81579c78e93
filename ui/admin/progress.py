"""进度 views: per reviewer and per project type × 学段, and sending a submitted review back."""
from __future__ import annotations

import streamlit as st

from scoring.permissions import Actor
from ui.common import EMPTY, fmt_score, safely


def reviewer_progress(data: dict) -> None:
    revs = data["reviewers"]
    if not revs:
        st.info("还没有评委。")
        return
    total = sum(r["assigned"] for r in revs)
    done = sum(r["submitted"] for r in revs)
    st.progress(done / total if total else 0.0, text=f"全部评审：已提交 {done} / {total}")
    st.dataframe([{"评委": f"{r['name']}（{r['username']}）", "已分配": r["assigned"], "已提交": r["submitted"],
                   "草稿": r["draft"], "未开始": r["todo"],
                   "完成率": _pct(r["submitted"], r["assigned"])} for r in revs],
                 hide_index=True, width="stretch")


def project_progress(data: dict) -> None:
    rows = data["projects"]
    if not rows:
        st.info("还没有导入作品。")
        return
    st.dataframe([{"项目": p["project_name"], "学段": p["stage"] or EMPTY, "作品数": p["works"],
                   "初审通过且参评": p["eligible"], "已分配": p["assigned_works"], "评审完成": p["fully_reviewed"],
                   "完成率": _pct(p["fully_reviewed"], p["eligible"])} for p in rows],
                 hide_index=True, width="stretch")


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else EMPTY


def reopen_panel(actor: Actor) -> None:
    from scoring.reviews import reopen_review
    from scoring.selectors import all_scores
    submitted = [s for s in all_scores(actor) if s["submitted"]]
    st.markdown("**退回评审**（评委已提交的评分被锁定；退回后评委可修改，原因记入审计记录）")
    if not submitted:
        st.caption("暂无已提交的评审。")
        return
    labels = {(s["work_id"], s["reviewer"]): f"#{s['work_id']} {s['title']} — {s['reviewer_name'] or s['reviewer']}"
              f"（{fmt_score(s['total'])} 分）" for s in submitted}
    key = st.selectbox("选择评审", list(labels), format_func=labels.get, key="reopen_pick")
    reason = st.text_input("退回原因（必填，评委会看到）", key="reopen_reason")
    if st.button("退回修改", key="reopen_go", disabled=not reason.strip()):
        with safely("退回评审"):
            reopen_review(actor, key[0], key[1], reason)
            st.success("已退回，评委可以重新修改并提交。")
