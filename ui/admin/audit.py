"""审计记录 views: search the audit record (who, what, which work, when) and export it to Excel."""
from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from scoring.permissions import Actor
from ui.common import EMPTY

GROUPS = {"": "全部", "login": "登录与会话", "import": "导入", "precheck": "初审改判", "work": "排除与恢复参评",
          "duplicate": "一稿多投核定", "assign": "分配", "unassign": "取消分配", "review": "退回评审",
          "reviewer": "评委信息", "account": "账号", "settings": "设置", "export": "导出"}
_EXPORT = "_audit_export"


def audit_search(actor: Actor) -> None:
    from scoring.audit import ACTIONS, search
    c1, c2, c3 = st.columns(3)
    who = c1.text_input("操作人（用户名）", key="audit_who")
    group = c2.selectbox("操作类别", list(GROUPS), format_func=GROUPS.get, key="audit_group")
    work = c3.text_input("作品编号", key="audit_work")
    c4, c5 = st.columns([2, 1])
    today = date.today()
    span = c4.date_input("时间范围", value=(today - timedelta(days=30), today), format="YYYY-MM-DD",
                         key="audit_span")
    text = c5.text_input("包含文字", key="audit_text")
    if work.strip() and not work.strip().isdigit():
        st.error("作品编号必须是数字。")
        return
    since, until = _span(span)
    rows = search(actor, who=who.strip() or None, action=group or None,
                  work_id=int(work) if work.strip() else None, since=since, until=until, text=text.strip() or None)
    st.caption(f"共 {len(rows)} 条（只追加，不可修改或删除；最新的在前）")
    if not rows:
        st.info("没有符合条件的记录。")
        return
    st.dataframe(pd.DataFrame([{
        "时间": r["occurred_at"].strftime("%Y-%m-%d %H:%M:%S"), "操作人": r["actor"],
        "操作": ACTIONS.get(r["action"], r["action"]), "对象": r["target"] or EMPTY,
        "作品编号": EMPTY if r["work_id"] is None else str(r["work_id"]),
        "修改前": r["before"] or EMPTY, "修改后": r["after"] or EMPTY, "来源地址": r["address"] or EMPTY}
        for r in rows]), hide_index=True, width="stretch",
        column_config={"修改前": st.column_config.TextColumn(width="large"),
                       "修改后": st.column_config.TextColumn(width="large")})
    export(actor, rows)


def _span(span) -> tuple[datetime | None, datetime | None]:
    if isinstance(span, (list, tuple)) and len(span) == 2:
        return datetime.combine(span[0], time.min), datetime.combine(span[1] + timedelta(days=1), time.min)
    if isinstance(span, (list, tuple)) and len(span) == 1:
        return datetime.combine(span[0], time.min), None
    return None, None


def export(actor: Actor, rows: list[dict]) -> None:
    from scoring.audit import export_xlsx
    if st.button("导出为 Excel", key="audit_export_go"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "审计记录.xlsx"
            export_xlsx(actor, rows, out)
            st.session_state[_EXPORT] = out.read_bytes()
    data = st.session_state.get(_EXPORT)
    if data:
        st.download_button("下载 审计记录.xlsx", data=data, file_name="审计记录.xlsx", key="audit_export_dl",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore")
