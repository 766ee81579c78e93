"""Accounts store: first-start admin, bcrypt-only YAML, disable, reset, reviewer CSV, console tool."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bcrypt
import pytest
import yaml

from accounts import AccountError, AccountStore
from scoring.errors import PermissionDenied
from scoring.permissions import ADMIN, REVIEWER, Actor

REPO = Path(__file__).resolve().parents[1]
ADMIN_ACTOR = Actor("admin", ADMIN)


@pytest.fixture
def store(tmp_path) -> AccountStore:
    return AccountStore(tmp_path)


def test_first_start_creates_admin_with_random_bcrypt_password(store, tmp_path):
    password = store.ensure_initialized()
    assert password and len(password) >= 12
    text = (tmp_path / "auth.yaml").read_text(encoding="utf-8")
    assert password not in text                       # only the hash is stored
    data = yaml.safe_load(text)
    entry = data["credentials"]["usernames"]["admin"]
    assert entry["roles"] == ["admin"]
    assert entry["password"].startswith("$2b$")
    assert bcrypt.checkpw(password.encode(), entry["password"].encode())
    assert len(data["cookie"]["key"]) >= 32
    assert store.verify("admin", password) is True
    assert store.verify("admin", password + "x") is False
    assert store.ensure_initialized() is None         # never a second admin password
    assert (tmp_path / "auth.yaml").stat().st_mode & 0o077 == 0


def test_two_installs_get_different_passwords_and_cookie_keys(tmp_path):
    a, b = AccountStore(tmp_path / "a"), AccountStore(tmp_path / "b")
    assert a.ensure_initialized() != b.ensure_initialized()
    assert a.cookie()["key"] != b.cookie()["key"]


def test_disabled_user_cannot_log_in_and_enabled_again_can(store):
    store.ensure_initialized()
    pw = store.add_user(ADMIN_ACTOR, "zhang", "张老师")
    assert store.verify("zhang", pw)
    store.set_disabled(ADMIN_ACTOR, "zhang", True)
    assert store.verify("zhang", pw) is False
    assert "zhang" not in store.login_credentials()["usernames"]
    assert store.get("zhang").disabled is True
    store.set_disabled(ADMIN_ACTOR, "zhang", False)
    assert store.verify("zhang", pw) is True


def test_reset_gives_a_new_working_password_and_ends_old_sessions(store):
    store.ensure_initialized()
    old = store.add_user(ADMIN_ACTOR, "li", "李老师")
    before = store.get("li").sessions_valid_after
    new = store.reset_password(ADMIN_ACTOR, "li")
    assert new != old
    assert store.verify("li", new) is True
    assert store.verify("li", old) is False
    assert store.get("li").sessions_valid_after >= before


def test_only_admins_manage_accounts(store):
    store.ensure_initialized()
    reviewer = Actor("li", REVIEWER)
    with pytest.raises(PermissionDenied):
        store.add_user(reviewer, "wang", "王老师")
    with pytest.raises(PermissionDenied):
        store.reset_password(reviewer, "admin")
    with pytest.raises(PermissionDenied):
        store.set_disabled(reviewer, "admin", True)
    with pytest.raises(PermissionDenied):
        store.load_reviewers_csv(reviewer, b"username,name\nx1,X\n")


def test_last_admin_and_own_account_cannot_be_disabled(store):
    store.ensure_initialized()
    with pytest.raises(AccountError, match="自己"):
        store.set_disabled(ADMIN_ACTOR, "admin", True)
    with pytest.raises(AccountError, match="最后一个"):
        store.set_disabled(Actor("other", ADMIN), "admin", True)


def test_bad_and_duplicate_usernames_refused(store):
    store.ensure_initialized()
    with pytest.raises(AccountError, match="用户名"):
        store.add_user(ADMIN_ACTOR, "../x", "坏名字")
    store.add_user(ADMIN_ACTOR, "zhao", "赵")
    with pytest.raises(AccountError, match="已存在"):
        store.add_user(ADMIN_ACTOR, "ZHAO", "赵")


def test_reviewer_csv_in_gbk_creates_accounts_with_one_time_passwords(store):
    store.ensure_initialized()
    store.add_user(ADMIN_ACTOR, "pw_old", "老评委")
    csv_text = ("username,name,school,district,projects,stages,cap\n"
                "pw_a,甲评委,XX小学,城东区,fusion_case,小学,10\n"
                "pw_old,老评委,XX中学,城西区,fusion_case,初中,10\n"
                "坏 名,乙评委,XX中学,城西区,fusion_case,初中,10\n")
    made = store.load_reviewers_csv(ADMIN_ACTOR, csv_text.encode("gb18030"))
    by_name = {m.name: m for m in made}
    assert by_name["甲评委"].password and store.verify("pw_a", by_name["甲评委"].password)
    assert store.get("pw_a").role == REVIEWER
    assert by_name["老评委"].password is None and "已存在" in by_name["老评委"].note
    assert by_name["乙评委"].password is None and "第 4 行" in by_name["乙评委"].note


def test_broken_yaml_is_a_chinese_error_not_a_traceback(tmp_path):
    (tmp_path / "auth.yaml").write_text("credentials: [unclosed", encoding="utf-8")
    with pytest.raises(AccountError, match="格式有误"):
        AccountStore(tmp_path).list_accounts()


def test_console_reset_prints_a_working_password(tmp_path):
    AccountStore(tmp_path).ensure_initialized()
    out = subprocess.run([sys.executable, "-m", "accounts", "--data-dir", str(tmp_path), "reset-password", "admin"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    password = out.strip().rsplit("：", 1)[-1]
    assert AccountStore(tmp_path).verify("admin", password)
