"""Login throttling in the domain: a growing wait after 5 failures, a 15-minute lock after 10, per
account and per address; locks and unlocks in the audit record. Real bcrypt accounts, real DuckDB;
time is passed in (`now=`), so no test sleeps."""
from datetime import datetime, timedelta

import pytest

from accounts import AccountStore
from scoring import audit, db, logins
from scoring.permissions import Actor
from scoring.settings import update_settings

ADMIN = Actor("admin", "admin")
T0 = datetime(2026, 11, 27, 9, 0, 0)


@pytest.fixture
def accounts(tmp_path):
    db.configure(tmp_path / "l.duckdb")
    store = AccountStore(tmp_path)
    admin_pw = store.ensure_initialized()
    yield store, admin_pw
    db.close()
    db.configure(None)


def attempt(store, user, pw, addr="10.0.0.5", at=T0):
    return logins.authenticate(user, pw, addr, store.verify, now=at)


def test_failures_slow_down_then_lock_the_account_for_15_minutes(accounts):
    store, admin_pw = accounts
    t = T0
    for i in range(5):                                   # the first five are answered at once
        assert attempt(store, "admin", f"wrong{i}", at=t) is False
    with pytest.raises(logins.LoginRefused, match="请 4 秒后再试"):   # after 5 failures: wait 5 s
        attempt(store, "admin", admin_pw, at=t + timedelta(seconds=1))
    for i in range(5, 10):                               # waiting each growing delay out
        t += timedelta(seconds=logins.delay_after(i, {"login_delay_after": 5}) + 1)
        assert attempt(store, "admin", f"wrong{i}", at=t) is False
    # 10 failures: locked, even with the right password, for 15 minutes.
    with pytest.raises(logins.LoginRefused, match="已暂时锁定，请 15 分钟后再试"):
        attempt(store, "admin", admin_pw, at=t + timedelta(seconds=30))
    assert [l["key"] for l in logins.locks(ADMIN, now=t)] == ["addr:10.0.0.5", "user:admin"]
    # From another address the account is still locked.
    with pytest.raises(logins.LoginRefused, match="锁定"):
        attempt(store, "admin", admin_pw, addr="10.0.0.9", at=t + timedelta(minutes=14))
    assert attempt(store, "admin", admin_pw, addr="10.0.0.9", at=t + timedelta(minutes=15, seconds=1))
    acts = [r["action"] for r in reversed(audit.search(ADMIN, action="login"))]
    assert acts.count("login.failure") == 10 and acts.count("login.lock") == 2
    assert acts[-2:] == ["login.unlock", "login.success"]
    lock = audit.search(ADMIN, action="login.lock", text="user:admin")[0]
    assert lock["target"] == "user:admin" and '"failures": 10' in lock["after"]
    assert audit.search(ADMIN, action="login.failure")[0]["address"] == "10.0.0.5"


def test_one_address_guessing_many_accounts_is_locked(accounts):
    store, admin_pw = accounts
    for i in range(10):
        assert attempt(store, f"user{i}", "x", at=T0 + timedelta(minutes=3 * i)) is False
    with pytest.raises(logins.LoginRefused, match="锁定"):
        attempt(store, "admin", admin_pw, at=T0 + timedelta(minutes=28))
    assert attempt(store, "admin", admin_pw, addr="10.0.0.6", at=T0 + timedelta(minutes=28))


def test_admin_unlocks_and_settings_change_the_numbers(accounts):
    store, admin_pw = accounts
    update_settings(ADMIN, {"login_delay_after": 2, "login_lock_after": 3, "login_lock_minutes": 60})
    for i in range(3):
        assert attempt(store, "admin", "bad", at=T0 + timedelta(minutes=i)) is False
    with pytest.raises(logins.LoginRefused, match="请 60 分钟后再试"):
        attempt(store, "admin", admin_pw, addr="10.1.1.1", at=T0 + timedelta(minutes=2, seconds=1))
    logins.unlock(ADMIN, "user:admin")
    assert attempt(store, "admin", admin_pw, addr="10.1.1.1", at=T0 + timedelta(minutes=3))
    unlock = audit.search(ADMIN, action="login.unlock")[0]
    assert unlock["actor"] == "admin" and '"reason": "管理员解锁"' in unlock["after"]


def test_a_success_forgets_the_accounts_failures(accounts):
    store, admin_pw = accounts
    for i in range(4):
        attempt(store, "admin", "bad", at=T0)
    assert attempt(store, "admin", admin_pw, at=T0)
    for i in range(4):                                   # four more: still no wait
        assert attempt(store, "admin", "bad", addr=f"10.2.0.{i}", at=T0) is False
    assert attempt(store, "admin", admin_pw, addr="10.2.0.9", at=T0)
