"""登录 — reviewers and admins sign in; the self-check page needs no account."""
import streamlit as st

from ui.login_form import login_form

st.title("登录")
st.caption("评委和管理员请使用管理员发放的账号登录。教师自检作品无需登录，请使用左侧“作品自检”。")
login_form()
