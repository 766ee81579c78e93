"""设置 and 审计记录 views."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.permissions import Actor
from ui.common import EMPTY, safely

FIELD_NAMES = {"veto": "一票否决", "veto_reason": "否决理由", "comment": "评语", "internal_note": "内部备注",
               "status": "状态", "review": "整份评分"}


def settings_form(actor: Actor) -> None:
    from scoring.settings import AGGREGATIONS, get_settings, update_settings
    s = get_settings(actor)
    with st.form("settings"):
        st.markdown("**汇总与复议**")
        methods = list(AGGREGATIONS)
        agg = st.selectbox("汇总方式", methods, index=methods.index(s["aggregation"]), format_func=AGGREGATIONS.get)
        c1, c2, c3 = st.columns(3)
        per = c1.number_input("每件作品评委人数", min_value=1, max_value=15, value=int(s["reviewers_per_work"]))
        tmin = c2.number_input("去掉最高最低分所需最少评分数", min_value=3, max_value=20,
                               value=int(s["trimmed_mean_min"]))
        spread = c3.number_input("分差超过此值标记复议", min_value=0.0, max_value=100.0,
                                 value=float(s["spread_threshold"]), step=1.0)
        st.markdown("**获奖比例**（每个“项目 × 学段”内，占已排名作品的比例）")
        ratios = dict(s["award_ratios"])
        cols = st.columns(max(1, len(ratios)))
        new_ratios = {name: cols[i].number_input(f"{name}（%）", min_value=0.0, max_value=100.0,
                                                 value=round(r * 100, 2), step=1.0) / 100
                      for i, (name, r) in enumerate(ratios.items())}
        dup = st.slider("一稿多投：文档文字相似度阈值", 0.5, 1.0, float(s["duplicate_text_threshold"]), 0.01)
        st.markdown("**登录安全**（按账号和来源地址分别计数）")
        l1, l2, l3, l4 = st.columns(4)
        delay = l1.number_input("连续输错几次后开始延迟", min_value=1, max_value=100, value=int(s["login_delay_after"]))
        lock = l2.number_input("连续输错几次后锁定", min_value=2, max_value=100, value=int(s["login_lock_after"]))
        lock_min = l3.number_input("锁定时长（分钟）", min_value=1.0, max_value=1440.0,
                                   value=float(s["login_lock_minutes"]), step=1.0)
        idle = l4.number_input("无操作多久后需重新登录（分钟）", min_value=1.0, max_value=1440.0,
                               value=float(s["session_idle_minutes"]), step=5.0)
        if st.form_submit_button("保存设置", type="primary"):
            with safely("保存设置"):
                update_settings(actor, {"aggregation": agg, "reviewers_per_work": int(per),
                                        "trimmed_mean_min": int(tmin), "spread_threshold": float(spread),
                                        "award_ratios": new_ratios, "duplicate_text_threshold": float(dup),
                                        "login_delay_after": int(delay), "login_lock_after": int(lock),
                                        "login_lock_minutes": float(lock_min), "session_idle_minutes": float(idle)})
                st.success("设置已保存。")


def history_table(actor: Actor) -> None:
    from scoring.selectors import score_history
    c1, c2 = st.columns(2)
    wid = c1.number_input("作品编号（0 表示全部）", min_value=0, value=0, step=1, key="hist_work")
    who = c2.text_input("评委用户名（留空表示全部）", key="hist_rev")
    rows = score_history(actor, work_id=int(wid) or None, reviewer=who.strip() or None)
    if not rows:
        st.info("没有符合条件的记录。")
        return
    df = pd.DataFrame(rows)
    from scoring.rubrics import load_rubrics
    names = dict(FIELD_NAMES)
    for r in load_rubrics().values():
        names.update({c.key: c.name for c in r.criteria})
    when = df["changed_at"] if "changed_at" in df else df.get("at")
    st.caption(f"共 {len(df)} 条（只追加，不可修改或删除）")
    st.dataframe(pd.DataFrame({
        "时间": when, "操作人": df["actor"], "作品编号": df["work_id"], "评委": df["reviewer"],
        "字段": df["field"].map(lambda f: names.get(f, f)), "原值": df["old"], "新值": df["new"],
        "说明": df["note"]}).iloc[::-1].astype("string").fillna(EMPTY), hide_index=True, width="stretch")
