"""The login form: the password goes through scoring.logins (delay, lock, audit); the sign-in cookie is
issued by the server route where it is mounted (ui/session_route.py: HttpOnly, SameSite=Strict)."""
from __future__ import annotations

import logging
import time

import jwt
import streamlit as st

from accounts import AccountStore
from ui.auth import (_AUTH_KEY, _SEEN_AT, _TOKEN_KEY, HOME, LANDING, LOGIN_FIELDS, _address, _touch,
                     current_actor, display_name, store)

log = logging.getLogger(__name__)


def login_form() -> None:
    """The login form (login page). The password is checked by scoring.logins (throttling, lock,
    audit); the library only issues the sign-in cookie. On success the router lands the user."""
    authenticator = st.session_state.get(_AUTH_KEY)
    if authenticator is None:
        st.error("登录模块不可用，请刷新页面重试。")
        return
    if current_actor() is not None:
        st.success(f"您已登录：{display_name()}")
        return
    with st.form("login_form"):
        st.subheader(LOGIN_FIELDS["Form name"])
        username = st.text_input(LOGIN_FIELDS["Username"], autocomplete="username")
        password = st.text_input(LOGIN_FIELDS["Password"], type="password", autocomplete="current-password")
        submitted = st.form_submit_button(LOGIN_FIELDS["Login"])
    if not submitted:
        return
    from scoring.logins import LoginRefused, authenticate
    from ui.common import use_data_dir
    try:
        use_data_dir()
        accounts = store()
        ok = authenticate(username, password, _address(), accounts.verify)
        account = accounts.get(username) if ok else None
    except LoginRefused as exc:
        st.error(str(exc))
        return
    except Exception as exc:
        log.warning("login failed: %s", exc)
        st.error("登录失败，请稍后重试；若反复出现请联系管理员。")
        return
    if account is None:
        st.error("用户名或密码错误，或账号已停用。")
        return
    st.session_state.update({"authentication_status": True, "username": account.username,
                             "name": account.name, "roles": [account.role], "logout": None})
    st.session_state[_SEEN_AT] = time.time()
    try:
        _issue_cookie(authenticator, accounts, account.username)
    except Exception:
        log.exception("sign-in cookie")          # signed in for this session only
    _touch()
    st.session_state[LANDING] = True
    st.success("登录成功，正在进入…")
    time.sleep(0.6)              # let the browser store the sign-in cookie before the rerun
    st.switch_page(HOME)         # a page both menus have: the login page leaves the menu


def _issue_cookie(authenticator, accounts: AccountStore, username: str) -> None:
    """The sign-in cookie: set by the server (HttpOnly, SameSite=Strict) where the app's route is
    mounted; under AppTest (no HTTP server) by the library's JavaScript cookie instead."""
    from ui import session_route
    cookie = accounts.cookie()
    if session_route.mounted():
        exp = time.time() + cookie["expiry_days"] * 86400
        # The library's own token format, so its cookie login (bootstrap) reads it back.
        token = jwt.encode({"username": username, "exp_date": exp}, cookie["key"], algorithm="HS256")
        st.html(session_route.set_cookie_script(session_route.ticket(token, cookie["expiry_days"] * 86400)),
                unsafe_allow_javascript=True)
    else:
        authenticator.cookie_controller.set_cookie()
        exp = authenticator.cookie_controller.cookie_model.exp_date
    st.session_state[_TOKEN_KEY] = f"{username}:{exp}"
