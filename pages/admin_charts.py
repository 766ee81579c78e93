"""统计图表"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("统计图表")
st.info("建设中")
