"""评审作品 — one work opened blind: its materials, the 初审 findings, and the rubric form."""
import hashlib

import streamlit as st

from ui.auth import require_role
from ui.common import STATUS_NAMES, review_status, safely, use_data_dir
from ui.review.files import show_materials, show_precheck
from ui.review.form import PICK_KEY, rubric_form

actor = require_role("reviewer")
use_data_dir()

with safely("读取评审任务", stop=True):
    from scoring.selectors import blind_work, reviewer_queue
    queue = reviewer_queue(actor)
if not queue:
    st.title("评审作品")
    st.info("目前没有分配给您的作品。")
    st.stop()

labels = {w["id"]: f"#{w['id']} {w['title']}（{STATUS_NAMES[review_status(w)]}）" for w in queue}
wanted = st.session_state.get("review_work_id")
# The browser keeps a selectbox's old option texts while its key stays the same, so the key
# follows the texts: a state change (已提交) shows at once; the choice lives in review_work_id.
pick_key = "work_pick_" + hashlib.sha1("\x1f".join(labels.values()).encode()).hexdigest()[:10]
st.session_state[PICK_KEY] = pick_key
if st.session_state.get(pick_key) not in labels:               # set by state, never by index= as well
    st.session_state[pick_key] = wanted if wanted in labels else next(iter(labels))
wid = st.selectbox("作品", list(labels), format_func=labels.get, key=pick_key)
st.session_state["review_work_id"] = wid

with safely("打开作品", stop=True):
    work = blind_work(actor, wid)

st.title(work["title"] or "（无标题）")
st.caption(f"{work['project_name']} · {work['stage'] or '学段未识别'} · 作品编号 {work['id']}（盲评：不显示作者与单位）")
ids = list(labels)
after = ids[ids.index(wid) + 1:] + ids[:ids.index(wid)]       # the next unsubmitted one, in list order
open_ = {w["id"] for w in queue if w["review_status"] != "submitted"}
next_id = next((i for i in after if i in open_), None)

left, right = st.columns([3, 2], gap="large")
with left:
    show_materials(actor, work)
    show_precheck(actor, work)
with right:
    rubric_form(actor, work, next_id)
