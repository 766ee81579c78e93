"""Serve stored files to the browser with HTTP Range, without reading them into memory.

Why: `st.video(path)` hands the file to Streamlit's in-memory media storage, which reads the whole
file into RAM (a 500 MB lesson video costs 500 MB per distinct file). Instead app.py mounts one
extra Starlette route (via `st.App(..., routes=...)`); Starlette's FileResponse streams 64 KiB
chunks and answers Range requests with 206, so the player seeks without downloading everything.

URLs carry a random token from scoring.file_links: the link works only in the browser that got it
(its HttpOnly `rating_sid` cookie, ui/http_guard.py), only while the user is signed in, enabled
and still allowed to see that file (checked in scoring on every request), and only for a short
while unless used. The URL reveals no file or folder name (blind review).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote

from scoring.permissions import Actor
from ui.base_path import base_path

ROUTE = "/api/files/{token}"
_MOUNTED_ENV = "RATING_MEDIA_ROUTE"     # process-wide flag: survives Streamlit's module reloads


@dataclass(frozen=True)
class LinkFor:
    """Whose link and for which file of which work: checked again on every request."""
    actor: Actor
    work_id: int
    blind_name: str


def is_mounted() -> bool:
    """True in a server started by `streamlit run app.py` (False under AppTest)."""
    return os.environ.get(_MOUNTED_ENV) == "1"


def browser_secret() -> str | None:
    try:
        import streamlit as st
        from ui.http_guard import BROWSER_COOKIE
        secret = st.context.cookies.get(BROWSER_COOKIE)
    except Exception:
        return None
    return secret if isinstance(secret, str) and secret else None


def file_url(link: LinkFor, path: str | os.PathLike, mime: str, download_name: str | None = None,
             *, secret: str | None = None) -> str | None:
    """A URL this browser can fetch (with Range) for `path`; None without the browser cookie.
    With `download_name` the browser saves it under that (blind) name instead of showing it."""
    from scoring.file_links import issue
    secret = secret or browser_secret()
    if not secret:
        return None
    token = issue(link.actor, link.work_id, link.blind_name, str(path), mime,
                  browser_secret=secret, download_name=download_name)
    return f"{base_path()}/api/files/{token}"


def absolute_url(relative: str) -> str:
    """st.video takes only absolute URLs (anything else is read as a file path): prefix the origin
    the browser itself used (st.context.url), so proxies and host names keep working."""
    try:
        import streamlit as st
        from urllib.parse import urlsplit
        parts = urlsplit(st.context.url or "")
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{relative}"
    except Exception:
        pass
    return relative


def routes() -> list:
    """Starlette routes for st.App (imported only in the server process)."""
    from pathlib import Path

    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, PlainTextResponse
    from starlette.routing import Route

    from scoring.errors import ScoringError
    from ui.http_guard import browser_cookie

    os.environ[_MOUNTED_ENV] = "1"

    def check(token: str, secret: str | None):
        from scoring.file_links import resolve
        from ui.common import use_data_dir
        use_data_dir()
        return resolve(token, secret)

    async def serve(request):
        secret = browser_cookie(request.scope.get("headers", []))
        try:
            link = await run_in_threadpool(check, request.path_params["token"], secret)
        except ScoringError as exc:
            return PlainTextResponse(str(exc), status_code=403)
        except Exception:
            return PlainTextResponse("文件暂时无法读取，请刷新页面重试。", status_code=503)
        path = Path(link.path)
        if not path.is_file():
            return PlainTextResponse("文件不存在。", status_code=404)
        response = FileResponse(path, media_type=link.mime or "application/octet-stream",
                                content_disposition_type="inline")
        # Never the stored name: it may carry the author's folder name (blind review).
        name = link.download_name
        response.headers["content-disposition"] = (
            f"attachment; filename=\"download\"; filename*=UTF-8''{quote(name)}" if name else "inline")
        response.headers["cache-control"] = "private, no-store"
        response.headers["x-content-type-options"] = "nosniff"
        return response

    return [Route(base_path() + ROUTE, serve, methods=["GET", "HEAD"])]
