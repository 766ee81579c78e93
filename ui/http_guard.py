"""ASGI middleware of the server: a per-browser secret cookie, no public metrics, Chinese widgets.

Why the cookie: file links (ui/review/media_route.py) must only work in the browser that received
them. The page cannot set an HttpOnly cookie itself, so this middleware gives every browser a
random `rating_sid` (HttpOnly; SameSite=Lax, so a link from another site keeps the same id, while
other sites' embedded requests never carry it) on its first request; the page reads it from
`st.context.cookies` when it mints a link, and the file route compares it on every request.

Why metrics: Streamlit 1.67 has no option to turn `/_stcore/metrics` off, and it tells anyone
how many sessions and how much memory the server has.

Why a script in the page: Streamlit's own widget texts ("Choose an option", "Upload", the dataframe
toolbar, "Page not found") are English and not configurable; ui/zh_patch.js, inlined into the app's
HTML page here, translates them as they render.
"""
from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from pathlib import Path

BROWSER_COOKIE = "rating_sid"
_REFUSED_SUFFIXES = ("/_stcore/metrics",)
_NOT_PAGES = ("/_stcore/", "/static/", "/api/", "/media/", "/component/", "/app/static/", "/-/")
_PATCH = Path(__file__).with_name("zh_patch.js")


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
            await _plain(send, 404, "未找到")
            return
        extra: list[tuple[bytes, bytes]] = []
        if not browser_cookie(scope.get("headers", [])):
            secure = "; Secure" if scope.get("scheme") == "https" else ""
            extra.append((b"set-cookie", f"{BROWSER_COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; "
                                         f"SameSite=Lax{secure}".encode()))
        if _is_page_request(scope):
            # The page HTML is small: ask for it uncompressed, then add the script before </head>.
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]}
            await self.app(scope, receive, _PageRewriter(send, extra))
            return
        if not extra:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _is_page_request(scope) -> bool:
    if scope.get("method") != "GET":
        return False
    path = scope.get("path", "")
    if any(p in path for p in _NOT_PAGES) or "." in path.rsplit("/", 1)[-1]:
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept


class _PageRewriter:
    """Holds an HTML response until its body is complete, then adds the translation script."""

    def __init__(self, send, extra: list) -> None:
        self.send, self.extra = send, extra
        self.start: dict | None = None
        self.body = bytearray()
        self.html = False

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), *self.extra]
            ctype = dict(headers).get(b"content-type", b"")
            encoded = dict(headers).get(b"content-encoding")
            self.html = ctype.startswith(b"text/html") and not encoded
            self.start = {**message, "headers": headers}
            if not self.html:
                await self.send(self.start)
            return
        if message["type"] != "http.response.body" or not self.html:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        body = bytes(self.body)
        script = b"<script>" + _PATCH.read_bytes() + b"</script>"
        body = body.replace(b"</head>", script + b"</head>", 1) if b"</head>" in body else script + body
        headers = [(k, v) for k, v in self.start["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def middleware() -> list:
    from starlette.middleware import Middleware
    return [Middleware(GuardMiddleware)]
