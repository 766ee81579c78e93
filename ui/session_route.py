"""The sign-in cookie, set by the server: HttpOnly (page scripts cannot read it) and SameSite=Strict.

streamlit-authenticator sets its cookie from JavaScript (extra-streamlit-components' CookieManager,
SameSite=Strict), and a cookie made by `document.cookie` can never be HttpOnly. So after a
successful login the page runs one `fetch` to POST /api/session with a short-lived encrypted
ticket holding the library's own JWT; this route answers with a Set-Cookie header. The library
still reads the cookie back (`st.context.cookies` sees HttpOnly cookies) to restore sessions.
POST /api/session/end clears it at logout (the server-side revocation in accounts/ already voids it).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

from accounts import AccountStore, data_dir
from ui.base_path import base_path

ROUTE, END_ROUTE = "/api/session", "/api/session/end"
TICKET_TTL_S = 60
_MOUNTED_ENV = "RATING_SESSION_ROUTE"     # process-wide: survives Streamlit's module reloads


def mounted() -> bool:
    return os.environ.get(_MOUNTED_ENV) == "1"


@lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"rating-session-v1:" + secret.encode()).digest()))


def _fernet() -> Fernet:
    return _fernet_for(AccountStore(data_dir()).cookie()["key"])


def ticket(token: str, max_age_s: float) -> str:
    """An encrypted, expiring ticket for the route (made by the page after the password check)."""
    return _fernet().encrypt(json.dumps({"t": token, "m": int(max_age_s)}).encode()).decode()


def set_cookie_script(ticket_: str) -> str:
    """The page script that has the browser fetch the cookie (runs in the app's window, so a rerun
    that removes the element does not cancel the request)."""
    return (f"<script>fetch({json.dumps(base_path() + ROUTE)}, {{method: 'POST', body: {json.dumps(ticket_)}, "
            "credentials: 'same-origin', cache: 'no-store'});</script>")


def end_cookie_script() -> str:
    return (f"<script>fetch({json.dumps(base_path() + END_ROUTE)}, {{method: 'POST', "
            "credentials: 'same-origin', cache: 'no-store'});</script>")


def routes() -> list:
    """Starlette routes for st.App (imported only in the server process)."""
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    os.environ[_MOUNTED_ENV] = "1"

    async def begin(request):
        try:
            raw = _fernet().decrypt((await request.body())[:4096], ttl=TICKET_TTL_S)
            data = json.loads(raw)
            name = AccountStore(data_dir()).cookie()["name"]
        except (InvalidToken, ValueError, KeyError, Exception):
            return PlainTextResponse("登录凭据无效或已过期，请重新登录。", status_code=403)
        resp = Response(status_code=204, headers={"Cache-Control": "no-store"})
        resp.set_cookie(name, data["t"], max_age=data["m"], path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
        return resp

    async def end(request):
        resp = Response(status_code=204, headers={"Cache-Control": "no-store"})
        try:
            name = AccountStore(data_dir()).cookie()["name"]
        except Exception:
            return resp
        resp.delete_cookie(name, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
        return resp

    return [Route(ROUTE, begin, methods=["POST"]), Route(END_ROUTE, end, methods=["POST"])]
