"""The credentials store: one YAML file, written atomically under a file lock."""
from __future__ import annotations

import csv
import fcntl
import io
import logging
import os
import re
import secrets
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import bcrypt
import yaml

from scoring.permissions import ADMIN, REVIEWER, Actor, require_admin

ROLES = (ADMIN, REVIEWER)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
COOKIE_NAME = "rating_auth"
COOKIE_EXPIRY_DAYS = 7.0
REPO_ROOT = Path(__file__).resolve().parents[1]


log = logging.getLogger(__name__)
_DUMMY_HASH = bcrypt.hashpw(b"no such user", bcrypt.gensalt())


class AccountError(Exception):
    """A refused account operation; `str(e)` is Chinese text for the UI."""


def data_dir() -> Path:
    """RATING_DATA_DIR, else the repository's data/ folder (not the cwd: pages run from anywhere)."""
    raw = os.environ.get("RATING_DATA_DIR")
    return Path(raw).expanduser().resolve() if raw else REPO_ROOT / "data"


def new_password() -> str:
    return secrets.token_urlsafe(9)          # 12 characters, ~72 bits


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str
    disabled: bool
    sessions_valid_after: float     # cookies issued before this (logout, reset, disable) are void


@dataclass(frozen=True)
class CsvAccount:
    username: str
    name: str
    password: str | None            # None: the account already existed and was left alone
    note: str = ""


class AccountStore:
    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root else data_dir()
        self.path = self.root / "auth.yaml"
        self._lock_path = self.root / "store" / "auth.lock"     # data/store/ is git-ignored

    # ---------- file access ----------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except OSError as exc:
            raise AccountError(f"无法读取账号文件 {self.path}：{exc.strerror}") from exc
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise AccountError(f"账号文件 {self.path} 格式有误，无法解析。") from exc
        if not isinstance(data, dict):
            raise AccountError(f"账号文件 {self.path} 格式有误。")
        data.setdefault("credentials", {}).setdefault("usernames", {})
        if data["credentials"]["usernames"] is None:
            data["credentials"]["usernames"] = {}
        return data

    def _write(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".auth.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                yaml.safe_dump(data, f, allow_unicode=True, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def _edit(self) -> Iterator[dict[str, Any]]:
        with self._locked():
            data = self._read()
            yield data
            self._write(data)

    # ---------- first start ----------
    def ensure_initialized(self) -> str | None:
        """Create the file with a cookie key and an `admin` account. Returns the admin's password
        the one time it is made; None when the file already holds an enabled admin."""
        if self.path.exists() and any(a.role == ADMIN and not a.disabled for a in self.list_accounts()):
            return None
        with self._edit() as data:
            cookie = data.setdefault("cookie", {})
            cookie.setdefault("name", COOKIE_NAME)
            cookie.setdefault("key", secrets.token_urlsafe(32))
            cookie.setdefault("expiry_days", COOKIE_EXPIRY_DAYS)
            users = data["credentials"]["usernames"]
            if any(ADMIN in ((u or {}).get("roles") or []) and not (u or {}).get("disabled") for u in users.values()):
                return None                   # another process got here first
            password = new_password()
            users["admin"] = self._new_entry("系统管理员", ADMIN, password)
        return password

    @staticmethod
    def _new_entry(name: str, role: str, password: str) -> dict[str, Any]:
        return {"name": name, "password": hash_password(password), "roles": [role],
                "disabled": False, "sessions_valid_after": time.time()}

    # ---------- reading ----------
    def cookie(self) -> dict[str, Any]:
        c = self._read().get("cookie") or {}
        if not c.get("key"):
            raise AccountError("账号文件缺少登录凭据密钥，请重新启动程序以初始化。")
        return {"name": c.get("name", COOKIE_NAME), "key": c["key"],
                "expiry_days": float(c.get("expiry_days", COOKIE_EXPIRY_DAYS))}

    def list_accounts(self) -> list[Account]:
        users = self._read().get("credentials", {}).get("usernames", {})
        return sorted((self._account(k, v) for k, v in users.items()), key=lambda a: (a.role, a.username))

    def get(self, username: str | None) -> Account | None:
        if not username:
            return None
        entry = self._read()["credentials"]["usernames"].get(str(username).lower())
        return self._account(str(username).lower(), entry) if entry else None

    @staticmethod
    def _account(username: str, entry: dict[str, Any]) -> Account:
        roles = entry.get("roles") or []
        role = ADMIN if ADMIN in roles else REVIEWER
        return Account(username, str(entry.get("name") or username), role, bool(entry.get("disabled")),
                       float(entry.get("sessions_valid_after") or 0))

    def login_credentials(self) -> dict[str, Any]:
        """The `credentials` dict for streamlit_authenticator.Authenticate: enabled users only, so a
        disabled user fails exactly like a wrong password."""
        users = self._read()["credentials"]["usernames"]
        return {"usernames": {k: {"name": v.get("name", k), "password": v["password"],
                                  "roles": list(v.get("roles") or [])}
                              for k, v in users.items() if v and not v.get("disabled") and v.get("password")}}

    def verify(self, username: str, password: str) -> bool:
        """Password check with the same rule as the login form (disabled users never pass)."""
        entry = self.login_credentials()["usernames"].get(str(username).lower())
        if not entry:
            bcrypt.checkpw(password.encode(), _DUMMY_HASH)    # same time as a wrong password: no user probing
            return False
        try:
            return bcrypt.checkpw(password.encode(), entry["password"].encode())
        except ValueError:
            return False

    # ---------- admin writes ----------
    def add_user(self, actor: Actor, username: str, name: str, role: str = REVIEWER) -> str:
        require_admin(actor)
        username = self._check_username(username)
        if role not in ROLES:
            raise AccountError(f"未知角色：{role}")
        password = new_password()
        with self._edit() as data:
            users = data["credentials"]["usernames"]
            if username in users:
                raise AccountError(f"用户名 {username} 已存在。")
            users[username] = self._new_entry(name.strip() or username, role, password)
        self._audit(actor, "account.add", username, None, {"name": name.strip() or username, "role": role})
        return password

    def _audit(self, actor: Actor, action: str, username: str, before=None, after=None) -> None:
        """Account changes go to the audit record in the data dir's database (best effort: the
        change in auth.yaml is already made; a busy database is logged, not raised)."""
        try:
            from scoring import audit
            audit.log(actor, action, f"account:{username}", before, after, db=self.root / "scoring.duckdb")
        except Exception as exc:         # e.g. the app holds the database while the console tool runs
            log.warning("审计记录未写入（%s %s）：%s", action, username, type(exc).__name__)

    def set_disabled(self, actor: Actor, username: str, disabled: bool) -> None:
        require_admin(actor)
        username = str(username).lower()
        if disabled and username == actor.username:
            raise AccountError("不能停用自己正在使用的账号。")
        with self._edit() as data:
            users = data["credentials"]["usernames"]
            if username not in users:
                raise AccountError(f"账号 {username} 不存在。")
            if disabled and ADMIN in (users[username].get("roles") or []):
                others = [k for k, v in users.items()
                          if k != username and ADMIN in (v.get("roles") or []) and not v.get("disabled")]
                if not others:
                    raise AccountError("不能停用最后一个可用的管理员账号。")
            before = bool(users[username].get("disabled"))
            users[username]["disabled"] = bool(disabled)
            users[username]["sessions_valid_after"] = time.time()
        if before != bool(disabled):
            self._audit(actor, "account.disable" if disabled else "account.enable", username,
                        {"disabled": before}, {"disabled": bool(disabled)})

    def reset_password(self, actor: Actor, username: str) -> str:
        require_admin(actor)
        username = str(username).lower()
        password = new_password()
        with self._edit() as data:
            users = data["credentials"]["usernames"]
            if username not in users:
                raise AccountError(f"账号 {username} 不存在。")
            users[username]["password"] = hash_password(password)
            users[username]["sessions_valid_after"] = time.time()
        self._audit(actor, "account.reset_password", username)     # never the password itself
        return password

    def revoke_sessions(self, username: str) -> None:
        """Logout: cookies issued so far stop working on every device (no role needed: own account)."""
        with self._edit() as data:
            entry = data["credentials"]["usernames"].get(str(username).lower())
            if entry:
                entry["sessions_valid_after"] = time.time()

    def load_reviewers_csv(self, actor: Actor, source: str | Path | bytes) -> list[CsvAccount]:
        """Create reviewer accounts from the reviewers CSV the scoring CLI reads (username, name, …).
        Existing usernames are left alone (password None); bad rows are reported, not raised."""
        require_admin(actor)
        rows = read_csv_rows(source)
        if rows and "username" not in rows[0]:
            raise AccountError("CSV 缺少 username 列（需要列：username, name, school, district, projects, stages, cap）。")
        out: list[CsvAccount] = []
        with self._edit() as data:
            users = data["credentials"]["usernames"]
            for i, row in enumerate(rows, start=2):
                raw = (row.get("username") or "").strip()
                name = (row.get("name") or "").strip() or raw
                try:
                    username = self._check_username(raw)
                except AccountError as exc:
                    out.append(CsvAccount(raw, name, None, f"第 {i} 行：{exc}"))
                    continue
                if username in users:
                    out.append(CsvAccount(username, name, None, "账号已存在，未改动"))
                    continue
                password = new_password()
                users[username] = self._new_entry(name, REVIEWER, password)
                out.append(CsvAccount(username, name, password))
        for a in out:
            if a.password:
                self._audit(actor, "account.add", a.username, None, {"name": a.name, "role": REVIEWER})
        return out

    @staticmethod
    def _check_username(username: str) -> str:
        u = str(username or "").strip().lower()
        if not USERNAME_RE.match(u):
            raise AccountError("用户名须为 2–32 位小写字母、数字、点、下划线或短横线，并以字母或数字开头。")
        return u


def read_csv_rows(source: str | Path | bytes) -> list[dict[str, str]]:
    """CSV rows as dicts; UTF-8 (with or without BOM), else GB18030 as Excel on Chinese Windows saves."""
    try:
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise AccountError(f"无法读取 CSV 文件：{exc.strerror}") from exc
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AccountError("CSV 文件编码无法识别，请另存为 UTF-8 编码。")
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]


def admin_banner(password: str, path: Path) -> str:
    """The console text that shows the first admin password exactly once."""
    line = "=" * 64
    return (f"\n{line}\n首次启动：已创建管理员账号（账号文件 {path}）\n"
            f"  用户名：admin\n  密码：  {password}\n"
            f"此密码只显示这一次，请立即记下；忘记时可运行 python -m accounts reset-password admin\n{line}\n")
