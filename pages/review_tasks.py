"""我的评审任务 — the reviewer's assigned works (blind: title, project, 学段 only) and progress."""
import streamlit as st

from ui.auth import require_role
from ui.common import EMPTY, STATUS_NAMES, fmt_score, review_status, safely, use_data_dir

actor = require_role("reviewer")
use_data_dir()
st.title("我的评审任务")

with safely("读取评审任务", stop=True):
    from scoring.selectors import reviewer_queue
    queue = reviewer_queue(actor)

if not queue:
    st.info("目前没有分配给您的作品。分配完成后会显示在这里。")
    st.stop()

done = sum(1 for w in queue if w["review_status"] == "submitted")
drafts = sum(1 for w in queue if w["review_status"] == "draft")
st.progress(done / len(queue), text=f"已提交 {done} / {len(queue)} 件，草稿 {drafts} 件")
returned = [w for w in queue if w.get("returned_reason")]
for w in returned:
    st.warning(f"已退回：#{w['id']} {w['title']}——原因：{w['returned_reason']}。请修改后重新提交。")

rows = [{"编号": w["id"], "项目": w["project_name"], "学段": w["stage"] or EMPTY, "作品名称": w["title"] or EMPTY,
         "状态": STATUS_NAMES[review_status(w)], "总分": fmt_score(w["total"]),
         "一票否决": "是" if w["veto"] else EMPTY, "退回原因": w.get("returned_reason") or EMPTY} for w in queue]
st.dataframe(rows, hide_index=True, width="stretch",
             column_config={"编号": st.column_config.NumberColumn(width=60),
                            "作品名称": st.column_config.TextColumn(width="medium"),
                            "退回原因": st.column_config.TextColumn(width="large")})

todo_first = sorted(queue, key=lambda w: (w["review_status"] == "submitted", not w.get("returned_reason"), w["id"]))
labels = {w["id"]: f"#{w['id']} {w['title']}（{STATUS_NAMES[review_status(w)]}）" for w in todo_first}
pick = st.selectbox("选择要评审的作品", list(labels), format_func=labels.get, key="task_pick")
if st.button("打开评审", type="primary"):
    st.session_state["review_work_id"] = pick
    st.switch_page("pages/review_work.py")
