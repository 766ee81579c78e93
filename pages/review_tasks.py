"""我的评审任务"""
import streamlit as st

from ui.auth import require_role

actor = require_role("reviewer")
st.title("我的评审任务")
st.info("建设中")
