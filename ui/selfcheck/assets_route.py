"""The browser-side video check's files, served by the app itself (nothing comes from outside).

MediaInfo's WebAssembly build (npm `mediainfo.js`, installed by scripts/setup.sh with `npm ci` into
node_modules/) and our two scripts in ui/selfcheck/static/. The URL holds a hash of all their
contents, so a browser may keep them for a year (`immutable`) and a new version is a new URL. Each
file is gzipped once per process: the 2.6 MB .wasm goes over the wire as about 1 MB.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
from pathlib import Path

from ui.base_path import base_path

log = logging.getLogger(__name__)
PREFIX = "/api/browser-assets"
_REPO = Path(__file__).resolve().parents[2]
_MI_DIST = _REPO / "node_modules" / "mediainfo.js" / "dist"
_STATIC = Path(__file__).resolve().parent / "static"
FILES = {
    "mediainfo.min.js": (_MI_DIST / "umd" / "index.min.js", "text/javascript; charset=utf-8"),
    "MediaInfoModule.wasm": (_MI_DIST / "MediaInfoModule.wasm", "application/wasm"),
    "browser_media.js": (_STATIC / "browser_media.js", "text/javascript; charset=utf-8"),
    "mediainfo_worker.js": (_STATIC / "mediainfo_worker.js", "text/javascript; charset=utf-8"),
    # BSD-2-Clause asks for its notice to travel with the binary we hand out
    "LICENSE-mediainfo.js.txt": (_MI_DIST.parent / "LICENSE.txt", "text/plain; charset=utf-8"),
}
CACHE_CONTROL = "public, max-age=31536000, immutable"
_version: str | None = None
_gzipped: dict[str, bytes] = {}


def version() -> str | None:
    """Hash of every asset, or None when one is missing (npm ci not run): no browser check then."""
    global _version
    if _version is None:                 # once per process: "" remembers that something is missing
        h = hashlib.sha256()
        try:
            for name, (path, _) in sorted(FILES.items()):
                h.update(name.encode() + b"\0" + path.read_bytes())
            _version = h.hexdigest()[:16]
        except OSError:
            log.warning("browser video check disabled: %s missing (run scripts/setup.sh)", _MI_DIST)
            _version = ""
    return _version or None


def url_base() -> str | None:
    """Where the page loads the assets from, e.g. /api/browser-assets/<hash>; None if unavailable."""
    v = version()
    return f"{base_path()}{PREFIX}/{v}" if v else None


def _gzip(name: str) -> bytes:
    if name not in _gzipped:
        _gzipped[name] = gzip.compress(FILES[name][0].read_bytes(), compresslevel=9, mtime=0)
    return _gzipped[name]


def routes() -> list:
    import anyio
    from starlette.responses import Response
    from starlette.routing import Route

    async def asset(request):
        name = request.path_params["name"]
        if name not in FILES or request.path_params["version"] != version():
            return Response("未找到该文件。", status_code=404, media_type="text/plain; charset=utf-8")
        path, media_type = FILES[name]
        headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding", "ETag": f'"{version()}"'}
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = await anyio.to_thread.run_sync(_gzip, name)
            headers["Content-Encoding"] = "gzip"
        else:
            body = await anyio.to_thread.run_sync(path.read_bytes)
        return Response(body, media_type=media_type, headers=headers)

    return [Route(base_path() + PREFIX + "/{version}/{name}", asset, methods=["GET"])]
