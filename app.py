"""Router: st.navigation shows each role only its pages (the pages also guard themselves).

`streamlit run app.py` first imports this file as an ASGI module (it defines `app = st.App(...)`),
which adds its routes: stored files streamed with HTTP Range (ui/review/media_route.py), self-check
uploads streamed to disk (ui/selfcheck/upload_route.py), the check API (ui/selfcheck/check_api.py), the
MediaInfo JSON of videos analysed in the browser (ui/selfcheck/mediainfo_route.py), the files that
analysis runs on (ui/selfcheck/assets_route.py) and the sign-in cookie (ui/session_route.py). Every
browser session then runs this same file as
the Streamlit script, which takes the router branch.
"""
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    from streamlit.runtime.pages_manager import PagesManager

    from ui import http_guard, session_route, startup
    from ui.review import media_route
    from ui.selfcheck import assets_route, check_api, mediainfo_route, upload_route

    startup.refuse_to_start_on_bad_data()
    if not startup.selfcheck_only():        # a self-check-only worker never touches accounts or files
        startup.create_admin_on_first_start()

    # pages/ is routed by st.navigation only. Without this, a fresh server's first request to a
    # deep link (/login) would auto-discover pages/ and run that page file without this router.
    PagesManager.uses_pages_directory = False
    judging = [] if startup.selfcheck_only() else [*media_route.routes(), *session_route.routes()]
    app = st.App(__file__, routes=[*judging, *upload_route.routes(), *check_api.routes(),
                                   *mediainfo_route.routes(), *assets_route.routes()],
                 middleware=http_guard.middleware())
else:
    from ui import auth, startup

    st.set_page_config(page_title="教师教育信息化交流活动", page_icon="📋", layout="wide")
    startup.stop_page_on_bad_data()
    self_check = st.Page("pages/self_check.py", title="作品自检", icon=":material/fact_check:", default=True)
    if startup.selfcheck_only():            # ./dev serve: judging lives on worker 0 under /judge/
        st.navigation([self_check]).run()
        st.sidebar.markdown(f"评委、管理员请从 [{startup.JUDGE_PATH}]({startup.JUDGE_PATH}) 登录。")
        st.stop()
    actor = auth.bootstrap()
    role = actor.role if actor is not None else None

    def page(path: str, title: str, icon: str, *roles: str) -> st.Page:
        # A page of another role stays routable but hidden: its own guard then says 请先登录 /
        # 您没有权限访问此页面 and offers the login, instead of Streamlit's "Page not found".
        return st.Page(path, title=title, icon=icon, visibility="visible" if role in roles else "hidden")

    login = page("pages/login.py", "登录", ":material/login:", None)
    review = [page("pages/review_tasks.py", "我的评审任务", ":material/assignment:", "reviewer"),
              page("pages/review_work.py", "评审作品", ":material/rate_review:", "reviewer")]
    organise = [page("pages/admin_import.py", "导入与初审", ":material/upload_file:", "admin"),
                page("pages/admin_reviewers.py", "评委与分配", ":material/groups:", "admin"),
                page("pages/admin_progress.py", "进度", ":material/timelapse:", "admin")]
    results = [page("pages/admin_ranking.py", "排名", ":material/emoji_events:", "admin"),
               page("pages/admin_charts.py", "统计图表", ":material/bar_chart:", "admin"),
               page("pages/admin_audit.py", "审计记录", ":material/history:", "admin")]
    system = [page("pages/admin_settings.py", "设置", ":material/settings:", "admin"),
              page("pages/admin_accounts.py", "账号管理", ":material/manage_accounts:", "admin")]
    if actor is None:
        pages = {"": [self_check, login, *review, *organise, *results, *system]}
    elif actor.role == "reviewer":
        pages = {"公共": [self_check, login, *organise, *results, *system], "评审": review}
    else:
        pages = {"公共": [self_check, login, *review], "组织": organise, "结果": results, "系统": system}
    if actor is not None:
        with st.sidebar:
            st.caption(f"当前用户：{auth.display_name()}（{auth.ROLE_NAMES[actor.role]}）")
            if st.button("退出登录", key="logout_button"):
                auth.logout()
    elif st.session_state.pop(auth.EXPIRED, False):
        st.warning("长时间未操作，登录已过期，请重新登录。")
    nav = st.navigation(pages)
    if actor is not None and st.session_state.pop(auth.LANDING, False):
        st.switch_page(pages["评审"][0] if actor.role == "reviewer" else pages["组织"][2])   # first page after sign-in
    nav.run()
