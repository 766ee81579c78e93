"""Router: st.navigation shows each role only its pages (the pages also guard themselves).

`streamlit run app.py` first imports this file as an ASGI module (it defines `app = st.App(...)`),
which adds two routes: stored files streamed with HTTP Range (ui/review/media_route.py) and self-check
uploads streamed to disk (ui/selfcheck/upload_route.py). Every browser session then runs this same file as
the Streamlit script, which takes the router branch.
"""
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    from streamlit.runtime.pages_manager import PagesManager

    from ui import http_guard, startup
    from ui.review import media_route
    from ui.selfcheck import upload_route

    startup.refuse_to_start_on_bad_data()
    startup.create_admin_on_first_start()

    # pages/ is routed by st.navigation only. Without this, a fresh server's first request to a
    # deep link (/login) would auto-discover pages/ and run that page file without this router.
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, routes=[*media_route.routes(), *upload_route.routes()],
                 middleware=http_guard.middleware())
else:
    from ui import auth, startup

    st.set_page_config(page_title="教师教育信息化交流活动", page_icon="📋", layout="wide")
    startup.stop_page_on_bad_data()
    actor = auth.bootstrap()
    self_check = st.Page("pages/self_check.py", title="作品自检", icon=":material/fact_check:", default=True)
    if actor is None:
        pages = {"": [self_check, st.Page("pages/login.py", title="登录", icon=":material/login:")]}
    elif actor.role == "reviewer":
        pages = {"公共": [self_check],
                 "评审": [st.Page("pages/review_tasks.py", title="我的评审任务", icon=":material/assignment:"),
                          st.Page("pages/review_work.py", title="评审作品", icon=":material/rate_review:")]}
    else:
        pages = {"公共": [self_check],
                 "组织": [st.Page("pages/admin_import.py", title="导入与初审", icon=":material/upload_file:"),
                          st.Page("pages/admin_reviewers.py", title="评委与分配", icon=":material/groups:"),
                          st.Page("pages/admin_progress.py", title="进度", icon=":material/timelapse:")],
                 "结果": [st.Page("pages/admin_ranking.py", title="排名", icon=":material/emoji_events:"),
                          st.Page("pages/admin_charts.py", title="统计图表", icon=":material/bar_chart:"),
                          st.Page("pages/admin_audit.py", title="审计记录", icon=":material/history:")],
                 "系统": [st.Page("pages/admin_settings.py", title="设置", icon=":material/settings:"),
                          st.Page("pages/admin_accounts.py", title="账号管理", icon=":material/manage_accounts:")]}
    if actor is not None:
        with st.sidebar:
            st.caption(f"当前用户：{auth.display_name()}（{auth.ROLE_NAMES[actor.role]}）")
            if st.button("退出登录", key="logout_button"):
                auth.logout()
    st.navigation(pages).run()
