"""排名"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("排名")
st.info("建设中")
