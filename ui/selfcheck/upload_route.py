"""Stream self-check uploads straight to disk through one extra Starlette route.

Why: st.file_uploader keeps every upload in the server's RAM (a 483 MB MP4 peaked the server at
1.1 GiB). The page's own uploader (ui/selfcheck/dropzone.py) PUTs each file here instead; the body
is written in 1 MiB pieces, so the server holds at most a few MiB per upload whatever the size.

Tokens: the page mints one per check ("<unix time hex>-<token_urlsafe(24)>") and creates its folder
<data dir>/uploads/selfcheck/up-<token>/. The folder on disk is the registry: a token is accepted
only while its folder exists (only the page creates one; 192 random bits are not guessable) and
is younger than TOKEN_TTL_S (the time in the name is part of the folder name, so it cannot be
forged). Disk survives Streamlit's module reloads and is shared by the page and the route.

    up-<token>/files/<sanitised relative path>   finished uploads: what check_paths reads
    up-<token>/partial/<n>.part                  uploads in flight, moved into files/ when complete
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from pathlib import Path

from ui.uploads import safe_parts

PREFIX = "/api/selfcheck"
TOKEN_TTL_S = 2 * 3600
SWEEP_AFTER_S = TOKEN_TTL_S + 3600      # an upload accepted just before expiry may still be running
MAX_TOKEN_BYTES = 1200 * 1024 * 1024    # one work: a 500 MB video plus up to ~600 MB of the rest
MAX_FILES = 2000
WRITE_CHUNK = 1024 * 1024               # buffer the 64 KiB network pieces into 1 MiB disk writes
_MOUNTED_ENV = "RATING_UPLOAD_ROUTE"    # process-wide flag: survives Streamlit's module reloads
_TOKEN_RE = re.compile(r"^([0-9a-f]{8,12})-([A-Za-z0-9_-]{32})$")


def max_file_bytes() -> int:
    """Same per-file cap as Streamlit's own uploader (server.maxUploadSize, in MiB)."""
    try:
        from streamlit import config
        return int(config.get_option("server.maxUploadSize")) * 1024 * 1024
    except Exception:
        return 1100 * 1024 * 1024


def base_dir() -> Path:
    from accounts.store import data_dir
    return data_dir() / "uploads" / "selfcheck"


def is_mounted() -> bool:
    """True in a server whose app.py mounted routes() (False under AppTest)."""
    return os.environ.get(_MOUNTED_ENV) == "1"


def url_prefix() -> str:
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:
        base = ""
    return (f"/{base}" if base else "") + PREFIX


def _token_dir(token: str, now: float | None = None) -> Path | None:
    """The folder of a live token, or None (malformed, expired, never minted or already used)."""
    m = _TOKEN_RE.match(token or "")
    if not m:
        return None
    age = (now or time.time()) - int(m.group(1), 16)
    if not -60 <= age <= TOKEN_TTL_S:
        return None
    folder = base_dir() / f"up-{token}"
    return folder if (folder / "files").is_dir() else None


def mint() -> str:
    """A new upload token with its (empty) folder; old folders are swept on the way."""
    sweep()
    token = f"{int(time.time()):x}-{secrets.token_urlsafe(24)}"
    folder = base_dir() / f"up-{token}"
    (folder / "files").mkdir(parents=True)
    (folder / "partial").mkdir()
    return token


def is_live(token: str | None) -> bool:
    return bool(token) and _token_dir(token) is not None


def files_root(token: str) -> Path | None:
    folder = _token_dir(token)
    return folder / "files" if folder else None


def status(token: str) -> dict:
    """{files, bytes, active}: finished uploads and uploads still in flight."""
    folder = _token_dir(token)
    if folder is None:
        return {"files": 0, "bytes": 0, "active": 0}
    files = [p for p in (folder / "files").rglob("*") if p.is_file()]
    active = sum(1 for _ in (folder / "partial").iterdir()) if (folder / "partial").is_dir() else 0
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files), "active": active}


def discard(token: str | None) -> None:
    """Delete a token's folder: the token is dead from then on."""
    if token and _TOKEN_RE.match(token):
        shutil.rmtree(base_dir() / f"up-{token}", ignore_errors=True)


def sweep(now: float | None = None) -> int:
    """Delete token folders left behind (tab closed, server killed); returns how many."""
    base, removed = base_dir(), 0
    if not base.is_dir():
        return 0
    for folder in base.glob("up-*"):
        m = _TOKEN_RE.match(folder.name[3:])
        try:
            too_old = (int(m.group(1), 16) if m else folder.stat().st_mtime) < (now or time.time()) - SWEEP_AFTER_S
        except OSError:
            continue
        if too_old:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _usage(files_dir: Path) -> list[int]:
    """[bytes, files] already on disk: the starting point after a server restart."""
    files = [p for p in files_dir.rglob("*") if p.is_file()]
    return [sum(p.stat().st_size for p in files), len(files)]


def routes() -> list:
    """Starlette routes for st.App (imported only in the server process)."""
    import anyio
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    os.environ[_MOUNTED_ENV] = "1"
    # Bytes and files per token including uploads in flight, so parallel PUTs cannot overshoot.
    # Only this route writes into a token folder, so the count stays exact; keyed by folder.
    usage: dict[str, list[int]] = {}
    counter = iter(range(1 << 62))

    def fail(status_code: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status_code)

    def dead() -> JSONResponse:
        return fail(403, "上传链接无效或已过期，请刷新页面后重新上传。")

    async def put(request):
        token = request.path_params["token"]
        folder = _token_dir(token)
        if folder is None:
            return dead()
        files_dir = folder / "files"
        dest = files_dir.joinpath(*safe_parts(request.path_params.get("relpath") or ""))
        # belt and braces: safe_parts already removed every escape route
        if files_dir.resolve() not in dest.resolve().parents:
            return fail(400, "文件名无效，请修改文件名后重试。")
        cap_file, key = max_file_bytes(), str(folder)
        used = usage.setdefault(key, _usage(files_dir))
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap_file:
            return fail(413, f"单个文件不能超过 {cap_file // 1024 // 1024} MB。")
        if used[1] >= MAX_FILES:
            return fail(413, f"一次最多上传 {MAX_FILES} 个文件，请分批检查。")
        if declared and declared.isdigit() and used[0] + int(declared) > MAX_TOKEN_BYTES:
            return fail(413, f"一次上传的文件总大小不能超过 {MAX_TOKEN_BYTES // 1024 // 1024} MB，请分批检查。")
        part = folder / "partial" / f"{next(counter)}.part"
        used[1] += 1
        written, ok = 0, False
        try:
            with open(part, "wb") as out:
                buf = bytearray()
                async for chunk in request.stream():
                    written += len(chunk)
                    used[0] += len(chunk)
                    if written > cap_file:
                        return fail(413, f"单个文件不能超过 {cap_file // 1024 // 1024} MB。")
                    if used[0] > MAX_TOKEN_BYTES:
                        return fail(413, f"一次上传的文件总大小不能超过 {MAX_TOKEN_BYTES // 1024 // 1024} MB，"
                                         "请分批检查。")
                    buf += chunk
                    if len(buf) >= WRITE_CHUNK:
                        await anyio.to_thread.run_sync(out.write, bytes(buf))
                        buf.clear()
                if buf:
                    await anyio.to_thread.run_sync(out.write, bytes(buf))
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                replaced = dest.stat().st_size if dest.is_file() else None
                os.replace(part, dest)      # the same path again (re-chosen file) replaces it
            except OSError:
                return fail(400, "文件夹中有同名的文件和文件夹，无法保存，请修改名称后重试。")
            if replaced is not None:
                used[0] -= replaced
                used[1] -= 1
            ok = True
            return JSONResponse({"path": "/".join(dest.relative_to(files_dir).parts), "bytes": written},
                                status_code=201)
        except ClientDisconnect:
            return fail(400, "上传中断，请重新上传。")
        except OSError:
            return fail(500, "服务器保存文件失败（磁盘空间可能不足），请稍后重试或联系管理员。")
        finally:
            if not ok:                       # error, cap exceeded, disconnect or cancellation
                used[0] -= written
                used[1] -= 1
                part.unlink(missing_ok=True)

    async def info(request):
        token = request.path_params["token"]
        if _token_dir(token) is None:
            return dead()
        return JSONResponse(status(token))

    async def clear(request):
        """The uploader's 清空 button: forget every file of this token (the token stays usable)."""
        folder = _token_dir(request.path_params["token"])
        if folder is None:
            return dead()
        shutil.rmtree(folder / "files", ignore_errors=True)
        (folder / "files").mkdir(exist_ok=True)
        usage[str(folder)] = _usage(folder / "files")
        return JSONResponse({"files": 0, "bytes": 0})

    prefix = url_prefix()
    return [Route(prefix + "/{token}", info, methods=["GET"]),
            Route(prefix + "/{token}", clear, methods=["DELETE"]),
            Route(prefix + "/{token}/{relpath:path}", put, methods=["PUT"])]
