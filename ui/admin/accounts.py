"""Account management views: the account table, one-time passwords, add / disable / reset."""
from __future__ import annotations

import time

import streamlit as st

from accounts import AccountError, AccountStore
from scoring.permissions import Actor
from ui.auth import ROLE_NAMES, store

_SHOW_KEY = "_one_time_passwords"


def remember_passwords(rows: list[tuple[str, str, str]]) -> None:
    """Queue (username, name, password) rows to show once, until the admin dismisses them."""
    st.session_state.setdefault(_SHOW_KEY, []).extend(rows)


def show_one_time_passwords() -> None:
    rows = st.session_state.get(_SHOW_KEY) or []
    if not rows:
        return
    with st.container(border=True):
        st.warning("以下是新生成的初始密码，只显示这一次，请立即记录并分别发给本人（离开后无法再次查看，只能重置）。")
        st.dataframe([{"用户名": u, "姓名": n, "初始密码": p} for u, n, p in rows], hide_index=True)
        st.download_button("下载密码清单（CSV）", data=_csv(rows), file_name="初始密码.csv", mime="text/csv",
                           key="pw_csv")
        if st.button("我已记录，隐藏密码", key="pw_hide"):
            st.session_state[_SHOW_KEY] = []
            st.rerun()


def _csv(rows) -> bytes:
    lines = ["用户名,姓名,初始密码"] + [f"{u},{n},{p}" for u, n, p in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def account_table(accounts: AccountStore) -> list:
    items = accounts.list_accounts()
    st.dataframe([{"用户名": a.username, "姓名": a.name, "角色": ROLE_NAMES.get(a.role, a.role),
                   "状态": "已停用" if a.disabled else "正常"} for a in items],
                 hide_index=True, width="stretch")
    return items


def add_account_form(actor: Actor) -> None:
    with st.form("add_account", clear_on_submit=True):
        st.markdown("**新建账号**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("用户名（小写字母、数字）")
        name = c2.text_input("姓名")
        role = c3.selectbox("角色", ["reviewer", "admin"], format_func=ROLE_NAMES.get)
        if st.form_submit_button("创建账号"):
            try:
                pw = store().add_user(actor, username, name, role)
            except AccountError as exc:
                st.error(str(exc))
            else:
                remember_passwords([(username.strip().lower(), name, pw)])
                st.rerun()
    st.caption("评委账号还需在“评委与分配”页登记其学校、区县与评审范围后才能被分配作品。")


def manage_account(actor: Actor, items: list) -> None:
    if not items:
        return
    st.markdown("**停用 / 启用 / 重置密码**")
    names = {a.username: f"{a.username}（{a.name}，{ROLE_NAMES.get(a.role)}{'，已停用' if a.disabled else ''}）"
             for a in items}
    who = st.selectbox("选择账号", list(names), format_func=names.get, key="acct_pick")
    acct = next(a for a in items if a.username == who)
    c1, c2 = st.columns(2)
    try:
        if c1.button("启用账号" if acct.disabled else "停用账号", key="acct_toggle"):
            store().set_disabled(actor, who, not acct.disabled)
            _sync_reviewer(actor, who, active=acct.disabled)
            st.rerun()
        if c2.button("重置密码", key="acct_reset"):
            st.session_state[_CONFIRM_KEY] = who
        if st.session_state.get(_CONFIRM_KEY) == who:
            with st.container(border=True):
                st.warning(f"确定要重置账号 {who}（{acct.name}）的密码吗？旧密码立即失效，该账号已登录的会话也会退出。")
                b1, b2 = st.columns(2)
                if b1.button("确认重置", type="primary", key="acct_reset_yes"):
                    password = store().reset_password(actor, who)
                    st.session_state[_CONFIRM_KEY] = None
                    st.session_state[_RESET_KEY] = (who, acct.name, password)
                    if who == actor.username:  # resetting ends sessions; keep this one so the password shows
                        st.session_state["_auth_seen_at"] = time.time() + 1
                    st.rerun()
                if b2.button("取消", key="acct_reset_no"):
                    st.session_state[_CONFIRM_KEY] = None
                    st.rerun()
    except AccountError as exc:
        st.error(str(exc))


_CONFIRM_KEY = "_reset_confirm"
_RESET_KEY = "_reset_password"


def show_reset_password() -> None:
    """The password a reset just made, alone and once: the next rerun no longer has it."""
    shown = st.session_state.pop(_RESET_KEY, None)
    if not shown:
        return
    who, name, password = shown
    with st.container(border=True):
        st.success(f"已重置账号 {who}（{name}）的密码。新密码只显示这一次，请立即记录并交给本人：")
        st.markdown(f"### `{password}`")


def locks_panel(actor: Actor) -> None:
    """Accounts and addresses locked after repeated failed logins; an admin may lift a lock."""
    from scoring.logins import locks, unlock
    rows = locks(actor)
    st.markdown("**登录锁定**（连续输错密码达到设置的次数后，账号或来源地址会被暂时锁定）")
    if not rows:
        st.caption("当前没有被锁定的账号或地址。")
        return
    names = {r["key"]: ("账号 " if r["key"].startswith("user:") else "地址 ") + r["key"].split(":", 1)[1]
             for r in rows}
    st.dataframe([{"对象": names[r["key"]], "连续失败次数": r["failures"],
                   "锁定至": r["locked_until"].strftime("%Y-%m-%d %H:%M:%S")} for r in rows],
                 hide_index=True, width="stretch")
    key = st.selectbox("解锁", list(names), format_func=names.get, key="unlock_pick")
    if st.button("立即解锁", key="unlock_go"):
        unlock(actor, key)
        st.rerun()


def _sync_reviewer(actor: Actor, username: str, *, active: bool) -> None:
    """Keep the scoring reviewer record in step (a disabled account gets no new assignments)."""
    from scoring.errors import NotFound
    from scoring.reviewers import set_active
    try:
        set_active(actor, username, active)
    except NotFound:
        pass
