"""ASGI middleware of the server: a per-browser secret cookie, and no public metrics.

Why the cookie: file links (ui/review/media_route.py) must only work in the browser that received
them. The page cannot set an HttpOnly cookie itself, so this middleware gives every browser a
random `rating_sid` (HttpOnly, SameSite=Strict) on its first request; the page reads it from
`st.context.cookies` when it mints a link, and the file route compares it on every request.

Why metrics: Streamlit 1.67 has no option to turn `/_stcore/metrics` off, and it tells anyone
how many sessions and how much memory the server has.
"""
from __future__ import annotations

import secrets
from http.cookies import SimpleCookie

BROWSER_COOKIE = "rating_sid"
_REFUSED_SUFFIXES = ("/_stcore/metrics",)


def browser_cookie(headers: list[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                continue
            if BROWSER_COOKIE in jar and jar[BROWSER_COOKIE].value:
                return jar[BROWSER_COOKIE].value
    return None


class GuardMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): streaming Range responses pass through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "").rstrip("/")
        if path.endswith(_REFUSED_SUFFIXES):
            await _plain(send, 404, "Not Found")
            return
        if browser_cookie(scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(32)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{BROWSER_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def middleware() -> list:
    from starlette.middleware import Middleware
    return [Middleware(GuardMiddleware)]
