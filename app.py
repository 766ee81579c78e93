"""Router (minimal placeholder by the self-check page; the login/admin owner replaces this)."""
import streamlit as st

st.set_page_config(page_title="教师教育信息化交流活动", page_icon="📋", layout="wide")
pg = st.navigation([st.Page("pages/self_check.py", title="作品自查", icon="🔍", default=True)])
pg.run()
