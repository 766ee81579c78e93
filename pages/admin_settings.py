"""设置 — aggregation rule, reviewers per work, trimmed-mean rule, spread threshold, award ratios."""
import streamlit as st

from ui.admin.settings import settings_form
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("设置")
with safely("读取设置"):
    settings_form(actor)
st.caption("评分标准在 data/rubrics/ 下按项目类别各一个 YAML 文件，修改后重新打开页面即生效；"
           "活动规则在 data/rules/contest.yaml。")
