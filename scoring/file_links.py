"""Short-lived file links bound to one signed-in user in one browser, checked again on every request.

A link is a random token in a server-side table (this process's memory: a restart ends every link).
It names the actor, the work and the blind file name it was minted for, the local file to serve
and a hash of the browser's secret cookie. `resolve` refuses it unless, at the time of the request:
the same browser sends the same cookie; the link was used or renewed in the last LINK_IDLE_S
seconds and is younger than LINK_MAX_S; the account still exists, is enabled and has not logged out
since (auth.yaml's `sessions_valid_after`); and scoring still lets the actor see that file of that
work (assignment, recusal, reviewer active). A page rerun renews its links; a playing video renews
its link with every range request.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from scoring.errors import PermissionDenied
from scoring.permissions import Actor

LINK_IDLE_S = 30 * 60
LINK_MAX_S = 8 * 3600
MAX_LINKS = 20_000


@dataclass
class Link:
    actor: Actor
    work_id: int
    blind_name: str
    path: str
    mime: str
    download_name: str | None
    browser: bytes
    issued: float
    used: float = field(default=0.0)


_lock = threading.Lock()
_links: dict[str, Link] = {}
_by_key: dict[tuple, str] = {}


def _browser_hash(browser_secret: str) -> bytes:
    return hashlib.sha256(b"rating-browser:" + browser_secret.encode()).digest()


def issue(actor: Actor, work_id: int, blind_name: str, path: str | Path, mime: str, *,
          browser_secret: str, download_name: str | None = None, db=None) -> str:
    """A token for `path` (the file as this actor may see it, e.g. a blinded copy). The same
    actor, browser, work, file and kind get the same token back (renewed), so a rerun does not
    reload a playing video."""
    if not browser_secret:
        raise PermissionDenied("浏览器没有会话标识，请刷新页面后重试。")
    _check_access(actor, work_id, blind_name, db=db)
    now = time.time()
    browser = _browser_hash(browser_secret)
    key = (actor, work_id, blind_name, str(path), mime, download_name, browser)
    with _lock:
        token = _by_key.get(key)
        link = _links.get(token) if token else None
    if link is not None and now - link.issued < LINK_MAX_S and _still_signed_in(link):
        link.used = now
        return token
    with _lock:
        if len(_links) >= MAX_LINKS:
            _prune(now)
        token = secrets.token_urlsafe(32)
        _links[token] = Link(actor, work_id, blind_name, str(path), mime, download_name, browser, now, now)
        _by_key[key] = token
    return token


def resolve(token: str, browser_secret: str | None, *, db=None) -> Link:
    """The link behind `token` if it may be served now, else PermissionDenied (Chinese)."""
    now = time.time()
    with _lock:
        link = _links.get(token)
    if link is None:
        raise PermissionDenied("链接无效或已过期，请刷新页面。")
    if not browser_secret or not hmac.compare_digest(link.browser, _browser_hash(browser_secret)):
        raise PermissionDenied("此链接只能在打开它的浏览器中使用。")
    if now - link.used > LINK_IDLE_S or now - link.issued > LINK_MAX_S:
        revoke(token)
        raise PermissionDenied("链接已过期，请刷新页面。")
    _check_account(link.actor.username, link.issued)
    _check_access(link.actor, link.work_id, link.blind_name, db=db)
    link.used = now
    return link


def revoke(token: str) -> None:
    with _lock:
        if _links.pop(token, None) is not None:
            _replace_keys({k: v for k, v in _by_key_items() if v != token})


def revoke_user(username: str) -> int:
    """Logout: every link of this user ends now (the account check would also refuse them)."""
    with _lock:
        gone = [t for t, link in _links.items() if link.actor.username == username]
        for t in gone:
            del _links[t]
        _replace_keys({k: v for k, v in _by_key_items() if v in _links})
    return len(gone)


def _by_key_items():
    return list(_by_key.items())


def _replace_keys(new: dict) -> None:
    _by_key.clear()
    _by_key.update(new)


def _prune(now: float) -> None:
    for t, link in list(_links.items()):
        if now - link.used > LINK_IDLE_S or now - link.issued > LINK_MAX_S:
            del _links[t]
    _replace_keys({k: v for k, v in _by_key_items() if v in _links})


def _still_signed_in(link: Link) -> bool:
    try:
        _check_account(link.actor.username, link.issued)
        return True
    except PermissionDenied:
        return False


def _check_account(username: str, issued: float) -> None:
    from accounts import AccountError, AccountStore
    try:
        account = AccountStore().get(username)
    except AccountError:
        raise PermissionDenied("账号信息暂时无法读取，请稍后重试。")
    if account is None or account.disabled:
        raise PermissionDenied("账号已停用，链接失效。")
    if issued < account.sessions_valid_after:
        raise PermissionDenied("您已退出登录，链接失效。")


def _check_access(actor: Actor, work_id: int, blind_name: str, *, db=None) -> None:
    from scoring.blind_files import blind_file
    blind_file(actor, work_id, blind_name, db=db)
