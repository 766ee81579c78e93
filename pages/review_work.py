"""评审作品"""
import streamlit as st

from ui.auth import require_role

actor = require_role("reviewer")
st.title("评审作品")
st.info("建设中")
