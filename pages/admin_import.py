"""导入与初审 — import a folder of packages (server path or upload), then review the 初审 results."""
import streamlit as st

from ui.admin.anonymity import anonymity_panel
from ui.admin.duplicates import duplicates_panel
from ui.admin.importing import import_form, work_findings, works_table
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("导入与初审")
st.caption("每个作品包都按活动通知逐项初审（格式、命名、必交材料、视频参数等），并检查一稿多投、往届获奖与"
           "职业教育专项“每位第一作者限报一件”。重复导入同一批作品不会产生重复记录。")

import_form(actor)
st.divider()
with safely("读取一稿多投候选"):
    duplicates_panel(actor)
st.subheader("初审结果")
with safely("读取作品列表"):
    shown = works_table(actor)
    anonymity_panel(actor, shown)
    work_findings(actor, shown)
