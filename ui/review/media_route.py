"""Serve stored files to the browser with HTTP Range, without reading them into memory.

Why: `st.video(path)` hands the file to Streamlit's in-memory media storage, which reads the whole
file into RAM (a 500 MB lesson video costs 500 MB per distinct file). Instead app.py mounts one
extra Starlette route (via `st.App(..., routes=...)`); Starlette's FileResponse streams 64 KiB
chunks and answers Range requests with 206, so the player seeks without downloading everything.

URLs carry an encrypted, authenticated, expiring token (Fernet) holding the path and MIME type:
only a page that already checked the viewer's rights can mint one, and the URL reveals no file or
folder name (blind review). The key is derived from the cookie key in the data dir's auth.yaml,
so it is stable across module reloads and processes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
from urllib.parse import quote
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from accounts import AccountStore, data_dir

ROUTE = "/api/files/{token}"
TOKEN_TTL_S = 12 * 3600
_MOUNTED_ENV = "RATING_MEDIA_ROUTE"     # process-wide flag: survives Streamlit's module reloads


def _base() -> str:
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:
        base = ""
    return f"/{base}" if base else ""


@lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(b"rating-media-v1:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> Fernet:
    return _fernet_for(AccountStore(data_dir()).cookie()["key"])


def is_mounted() -> bool:
    """True in a server started by `streamlit run app.py` (False under AppTest)."""
    return os.environ.get(_MOUNTED_ENV) == "1"


def file_url(path: str | os.PathLike, mime: str | None = None, download_name: str | None = None) -> str:
    """A URL the browser can fetch (with Range) for `path`; valid for TOKEN_TTL_S. With
    `download_name` the browser saves it under that (blind) name instead of showing it."""
    p = str(Path(path).resolve())
    mime = mime or mimetypes.guess_type(p)[0] or "application/octet-stream"
    ref = {"p": p, "m": mime, **({"d": download_name} if download_name else {})}
    token = _fernet().encrypt(json.dumps(ref, ensure_ascii=False).encode()).decode()
    return f"{_base()}/api/files/{token}"


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
    from starlette.exceptions import HTTPException
    from starlette.responses import FileResponse
    from starlette.routing import Route

    os.environ[_MOUNTED_ENV] = "1"

    async def serve(request):
        try:
            raw = _fernet().decrypt(request.path_params["token"].encode(), ttl=TOKEN_TTL_S)
            ref = json.loads(raw)
        except (InvalidToken, ValueError, KeyError, Exception):
            raise HTTPException(status_code=404, detail="链接无效或已过期，请刷新页面。")
        path = Path(ref["p"])
        if not path.is_file():
            raise HTTPException(status_code=404, detail="文件不存在。")
        response = FileResponse(path, media_type=ref.get("m") or "application/octet-stream",
                                content_disposition_type="inline")
        # Never the stored name: it may carry the author's folder name (blind review).
        name = ref.get("d")
        response.headers["content-disposition"] = (
            f"attachment; filename=\"download\"; filename*=UTF-8''{quote(name)}" if name else "inline")
        response.headers["cache-control"] = "private, max-age=3600"
        response.headers["x-content-type-options"] = "nosniff"
        return response

    return [Route(_base() + ROUTE, serve, methods=["GET", "HEAD"])]
