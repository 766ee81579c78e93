"""进度 — how far each reviewer and each project type × 学段 has got; send a review back."""
import streamlit as st

from ui.admin.progress import project_progress, reopen_panel, reviewer_progress
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("评审进度")

with safely("读取进度", stop=True):
    from scoring.selectors import progress
    data = progress(actor)

st.subheader("按评委")
reviewer_progress(data)
st.subheader("按项目与学段")
project_progress(data)
st.divider()
with safely("读取已提交评审"):
    reopen_panel(actor)
