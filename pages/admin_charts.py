"""统计图表 — score distribution per project type and each reviewer's severity (Altair)."""
import streamlit as st

from ui.admin.results import reviewer_severity, score_distribution
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("统计图表")

with safely("读取评分", stop=True):
    from scoring.selectors import all_scores
    scores = all_scores(actor)

st.subheader("各项目总分分布")
with safely("绘制分布图"):
    score_distribution(scores)
st.subheader("评委宽严")
with safely("绘制宽严图"):
    reviewer_severity(scores)
