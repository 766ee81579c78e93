"""审计记录"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("审计记录")
st.info("建设中")
