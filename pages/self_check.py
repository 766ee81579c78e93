"""作品自检 — the no-login page: pick the project type, drop the files, read the verdict."""
from __future__ import annotations

import logging

import streamlit as st

from ui.selfcheck import persist
from ui.selfcheck.dropzone import dropzone
from ui.selfcheck.forms import form_helper
from ui.selfcheck.picker import pick_project, show_requirements
from ui.selfcheck.preview import remember_project
from ui.selfcheck.report import render_report
from ui.selfcheck.upload import RESULT_KEY, check_streamed, run_check, upload_token, upload_widgets

log = logging.getLogger(__name__)

st.title("作品自检")
st.caption("报送前自查：选择项目类型，上传作品文件、整个文件夹或 RAR/ZIP 压缩包，"
           "系统按活动通知的要求逐项检查并给出修改方法。无需登录，文件检查完即删除。")

try:
    with st.container():    # a fixed slot: the subtype radio appearing must not remount the uploader
        project, subtype = pick_project()
except Exception:           # a broken rules file must not show a traceback to teachers
    log.exception("rules could not be loaded")
    st.error("检查规则加载失败，暂时无法自查，请联系管理员。")
    st.stop()

persist.restore(RESULT_KEY)         # a reload in the same browser keeps the uploads and the result
tab_check, tab_form = st.tabs(["文件自查", "登记表填写助手"])

with tab_check:
    # Fixed slots: a note or block that shows in one run and not the next must not move the
    # uploader frame, or Streamlit draws a new frame (its uploads cut short) and keeps the old hidden.
    with st.container():
        persist.restored_note()
    result = st.session_state.get(RESULT_KEY)
    with st.container():
        if not result or "report" not in result:
            with st.container(border=True):
                st.markdown("##### 报送内容要求")
                show_requirements(project)
    token = upload_token()
    if token:                   # the server streams uploads to disk (ui/selfcheck/upload_route.py)
        persist.remember_token(token)
        remember_project(token, project, subtype)    # the frame's checklist follows the picker
        dropzone(token)                    # draws its own checklist as each upload finishes
        if st.button("开始检查", type="primary", key="sc_run"):
            with st.spinner("正在检查，请稍候……"):
                checked = check_streamed(token, project, subtype)
            if checked:
                persist.remember_result(st.session_state.get(RESULT_KEY))
                st.rerun()
    else:                       # AppTest, or app.py without the upload route: Streamlit's uploader
        uploads = upload_widgets()
        if uploads:
            st.caption(f"已选择 {len(uploads)} 个文件，共 {sum(u.size for u in uploads) / 1e6:.1f} MB。")
        if st.button("开始检查", type="primary", disabled=not uploads, key="sc_run"):
            with st.spinner("正在检查，请稍候……"):
                run_check(uploads, project, subtype)
            persist.remember_result(st.session_state.get(RESULT_KEY))
            st.rerun()
    if result:
        if "error" in result:
            st.error(result["error"], icon="⚠️")
        else:
            try:
                render_report(result["report"], result.get("root"), result.get("names"))
            except Exception:
                log.exception("report view failed")
                st.error("检查已完成，但结果显示失败。请刷新页面后重新检查，或联系管理员。")

with tab_form:
    try:
        form_helper(project)
    except Exception:
        log.exception("form helper failed")
        st.error("填写助手暂时不可用，请联系管理员。")
