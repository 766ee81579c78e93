"""评委与分配"""
import streamlit as st

from ui.auth import require_role

actor = require_role("admin")
st.title("评委与分配")
st.info("建设中")
