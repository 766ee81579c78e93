"""账号管理"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("账号管理")
st.info("建设中")
