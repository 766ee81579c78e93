"""导入与初审"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("导入与初审")
st.info("建设中")
