"""评委与分配 — reviewers (CSV, one by one, accounts) and assignment (automatic and manual)."""
import streamlit as st

from ui.admin.accounts import show_one_time_passwords
from ui.admin.reviewers import add_reviewer_form, auto_assign_panel, csv_import, manual_assign_panel, reviewer_table
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("评委与分配")
show_one_time_passwords()

tab_rev, tab_auto, tab_manual = st.tabs(["评委名单", "自动分配", "手动分配"])
revs = []
with tab_rev:
    with safely("读取评委名单"):
        revs = reviewer_table(actor)
    csv_import(actor)
    add_reviewer_form(actor)
    st.caption("停用评委或重置密码请到“账号管理”。")
with tab_auto:
    with safely("自动分配"):
        auto_assign_panel(actor)
with tab_manual:
    with safely("手动分配"):
        manual_assign_panel(actor, revs)
