"""账号管理 — login accounts: create, disable/enable, reset passwords (shown once)."""
import streamlit as st

from ui.admin.accounts import (account_table, add_account_form, locks_panel, manage_account, show_one_time_passwords,
                               show_reset_password)
from ui.auth import require_role, store
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("账号管理")
st.caption("密码只以 bcrypt 散列保存；新密码只在生成时显示一次。停用的账号立即无法登录，已登录的会话也会失效。")

show_reset_password()
show_one_time_passwords()
with safely("读取账号", stop=True):
    items = account_table(store())
add_account_form(actor)
manage_account(actor, items)
st.divider()
with safely("读取登录锁定"):
    locks_panel(actor)
