"""审计记录 — every change that matters (logins, imports, 初审, exclusions, assignments, reopenings,
accounts, settings, exports) and the field-by-field history of every score."""
import streamlit as st

from ui.admin.audit import audit_search
from ui.admin.settings import history_table
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("审计记录")
ops, scores = st.tabs(["操作记录", "评分修改记录"])
with ops:
    with safely("读取审计记录"):
        audit_search(actor)
with scores:
    with safely("读取评分修改记录"):
        history_table(actor)
