"""Login state for the pages: who is signed in, the login form, logout, and the page guard.

streamlit-authenticator 0.4.2 keeps the signed-in user in st.session_state
('authentication_status', 'username', 'name', 'roles'); this module reads that, but the role and the
enabled flag always come from the account store, so disabling a user or resetting their password
ends their open sessions on the next rerun. Cookies issued before the account's
`sessions_valid_after` (logout, reset, disable) are ignored, so logout holds on every device.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

import jwt
import streamlit as st
import streamlit_authenticator as stauth

from accounts import AccountError, AccountStore, data_dir
from accounts.store import admin_banner
from scoring.permissions import ADMIN, REVIEWER, Actor

log = logging.getLogger(__name__)

ROLE_NAMES = {ADMIN: "管理员", REVIEWER: "评委"}
_AUTH_KEY = "_stauth"          # this run's Authenticate object (it renders a cookie component once)
_SEEN_AT = "_auth_seen_at"     # when this session was first seen signed in
HOME = "pages/self_check.py"   # default page of every menu (the anonymous self-check)
LOGIN = "pages/login.py"
LOGIN_FIELDS = {"Form name": "评委 / 管理员登录", "Username": "用户名", "Password": "密码",
                "Login": "登录", "Captcha": "验证码"}


def store() -> AccountStore:
    return AccountStore(data_dir())


@st.cache_resource(show_spinner=False)
def _first_start(root: str) -> bool:
    """Once per process and data dir: create auth.yaml and the admin; print the password once."""
    password = AccountStore(root).ensure_initialized()
    if password:
        print(admin_banner(password, Path(root) / "auth.yaml"), flush=True)
    return True


def bootstrap() -> Actor | None:
    """Called by the router on every run, before the pages are chosen. Returns the signed-in actor."""
    try:
        _first_start(str(data_dir()))
        accounts = store()
        cookie = accounts.cookie()
        authenticator = stauth.Authenticate(
            accounts.login_credentials(), cookie["name"], cookie["key"], cookie["expiry_days"],
            auto_hash=False, login_sleep_time=0)
    except AccountError as exc:
        st.error(str(exc))
        return None
    except Exception:
        log.exception("authentication could not start")
        st.error("登录模块初始化失败，请联系管理员查看服务器日志。")
        return None
    st.session_state[_AUTH_KEY] = authenticator
    if not st.session_state.get("authentication_status") and _cookie_token(cookie):
        _drop_revoked_cookie(accounts, cookie)
        try:
            authenticator.login(location="unrendered")     # sign back in from a valid cookie
        except Exception:                                    # e.g. cookie of a removed user
            st.session_state["authentication_status"] = None
    return current_actor()


def _cookie_token(cookie: dict) -> str | None:
    try:
        token = st.context.cookies.get(cookie["name"])
    except Exception:
        return None
    return token if isinstance(token, str) and token else None


def _drop_revoked_cookie(accounts: AccountStore, cookie: dict) -> None:
    token = _cookie_token(cookie)
    if not token:
        return
    try:
        payload = jwt.decode(token, cookie["key"], algorithms=["HS256"])
        issued = float(payload["exp_date"]) - cookie["expiry_days"] * 86400
        account = accounts.get(payload.get("username"))
    except Exception:
        return                       # the library rejects a bad token itself
    if account is None or account.disabled or issued < account.sessions_valid_after:
        st.session_state["logout"] = True   # the library then skips the cookie for this session


def current_actor() -> Actor | None:
    """The signed-in, still-enabled user as a scoring Actor, or None (anonymous)."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    try:
        account = store().get(username)
    except AccountError:
        return None
    seen = st.session_state.setdefault(_SEEN_AT, time.time())
    if account is None or account.disabled or account.sessions_valid_after > seen:
        _clear_session()
        return None
    return Actor(account.username, account.role)


def display_name() -> str:
    return str(st.session_state.get("name") or st.session_state.get("username") or "")


def require_role(*roles: str) -> Actor:
    """Page guard: stop the page with a Chinese message unless the user has one of `roles`."""
    actor = current_actor()
    if actor is None:
        st.warning("请先登录后再访问此页面。")
        _offer_login("前往登录")
        st.stop()
    if actor.role not in roles:
        need = "、".join(ROLE_NAMES.get(r, r) for r in roles)
        st.error(f"您没有权限访问此页面（需要{need}账号）。")
        st.caption("如需使用其他账号，请先点击左侧“退出登录”，再重新登录。")
        _offer_login("前往登录页")
        st.stop()
    return actor


def _offer_login(label: str) -> None:
    try:
        st.page_link(LOGIN, label=label, icon=":material/login:")
    except Exception:          # the page run on its own (no router): a plain link
        st.markdown(f"[{label}](./login)")


def login_form() -> None:
    """The login form (login page). On success the router is rerun so the menu changes."""
    authenticator = st.session_state.get(_AUTH_KEY)
    if authenticator is None:
        st.error("登录模块不可用，请刷新页面重试。")
        return
    if current_actor() is not None:
        st.success(f"您已登录：{display_name()}")
        return
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="login_form")
    except Exception as exc:
        log.warning("login refused: %s", exc)
        st.error("登录失败，请稍后重试。")
        return
    status = st.session_state.get("authentication_status")
    if status:
        st.session_state[_SEEN_AT] = time.time()
        st.session_state["logout"] = None
        st.success("登录成功，正在进入…")
        time.sleep(0.6)              # let the browser store the sign-in cookie before the rerun
        st.switch_page(HOME)         # a page both menus have: the login page leaves the menu
    elif status is False:
        st.error("用户名或密码错误，或账号已停用。")


def logout() -> None:
    """Sign out here and end the user's cookies everywhere."""
    username = st.session_state.get("username")
    authenticator = st.session_state.get(_AUTH_KEY)
    try:
        if username:
            store().revoke_sessions(username)
        if authenticator is not None and st.session_state.get("authentication_status"):
            authenticator.logout(location="unrendered")
    except Exception:
        log.exception("logout")
    _clear_session()
    st.switch_page(HOME)


def _clear_session() -> None:
    for key in ("name", "username", "authentication_status", "email", "roles", _SEEN_AT):
        st.session_state[key] = None
    st.session_state["logout"] = True
    st.session_state.pop(_SEEN_AT, None)
