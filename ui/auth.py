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
_ACTIVE_AT = "_auth_active_at" # last run of this session while signed in (idle expiry)
_TOKEN_KEY = "_auth_token"     # username:expiry of this session's sign-in cookie
LANDING = "_auth_landing"      # set at sign-in: the router opens the role's first page once
EXPIRED = "_auth_expired"      # set when the session timed out: the router says so once
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
    key = f"{payload.get('username')}:{payload.get('exp_date')}"
    last = _activity().get(key)
    if account is None or account.disabled or issued < account.sessions_valid_after \
            or last is None or time.time() - last > idle_limit_s():
        st.session_state["logout"] = True   # the library then skips the cookie for this session
        if last is not None:             # idle too long (or revoked): say so once, then forget it
            _activity().pop(key, None)
            st.session_state[EXPIRED] = account is not None and not account.disabled
    else:
        st.session_state[_TOKEN_KEY] = key


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
    last = st.session_state.get(_ACTIVE_AT)
    if last is not None and time.time() - last > idle_limit_s():
        _expire(account.username)
        return None
    _touch()
    return Actor(account.username, account.role)


def _audit(username: str, action: str) -> None:
    try:
        from scoring import audit
        from ui.common import use_data_dir
        use_data_dir()
        audit.log(username, action, f"account:{username}", address=_address())
    except Exception:                 # a busy database must not keep anyone signed in
        log.exception("audit %s", action)


def _expire(username: str) -> None:
    """Idle too long: this session and its cookie end; the user signs in again."""
    token = st.session_state.get(_TOKEN_KEY)
    if token:
        _activity().pop(token, None)
    _audit(username, "login.expired")
    _clear_session()
    st.session_state[EXPIRED] = True


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


def _address() -> str | None:
    try:
        ip = st.context.ip_address
    except Exception:
        return None
    return ip if isinstance(ip, str) else None       # None without a browser (tests, bare mode)


@st.cache_resource(show_spinner=False)
def _activity() -> dict[str, float]:
    """Last activity per sign-in cookie (username:expiry) in this server process. A cookie with no
    recent activity here (idle too long, or issued before a restart) no longer signs anyone in."""
    return {}


def idle_limit_s() -> float:
    try:
        from scoring.settings import get_settings
        from ui.common import use_data_dir
        use_data_dir()
        return float(get_settings(None)["session_idle_minutes"]) * 60
    except Exception:                 # the database may be busy: the default still holds
        from scoring.settings import DEFAULTS
        return float(DEFAULTS["session_idle_minutes"]) * 60


def _touch() -> None:
    now = time.time()
    st.session_state[_ACTIVE_AT] = now
    token = st.session_state.get(_TOKEN_KEY)
    if token:
        _activity()[token] = now


def logout() -> None:
    """Sign out here and end the user's cookies everywhere."""
    username = st.session_state.get("username")
    authenticator = st.session_state.get(_AUTH_KEY)
    token = st.session_state.get(_TOKEN_KEY)
    if token:
        _activity().pop(token, None)
    try:
        if username:
            store().revoke_sessions(username)
            _audit(username, "login.logout")
        if authenticator is not None and st.session_state.get("authentication_status"):
            authenticator.logout(location="unrendered")
    except Exception:
        log.exception("logout")
    _clear_session()
    from ui import session_route
    if session_route.mounted():
        st.html(session_route.end_cookie_script(), unsafe_allow_javascript=True)
        time.sleep(0.3)              # let the browser start the request before the page changes
    st.switch_page(HOME)


def _clear_session() -> None:
    for key in ("name", "username", "authentication_status", "email", "roles", _SEEN_AT):
        st.session_state[key] = None
    st.session_state["logout"] = True
    for key in (_SEEN_AT, _ACTIVE_AT, _TOKEN_KEY):
        st.session_state.pop(key, None)
