"""审计记录 — the append-only history of every score, comment and status change."""
import streamlit as st

from ui.admin.settings import history_table
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("审计记录")
with safely("读取审计记录"):
    history_table(actor)
