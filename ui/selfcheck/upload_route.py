"""Stream self-check uploads straight to disk through one extra Starlette route.

Why: st.file_uploader keeps every upload in the server's RAM (a 483 MB MP4 peaked the server at
1.1 GiB). The page's own uploader (ui/selfcheck/dropzone.py) PUTs each file here instead; the body
is written in 1 MiB pieces, so the server holds at most a few MiB per upload whatever the size.

Tokens: the page mints one per check ("<unix time hex>-<random>-<signature>"): an HMAC with a key kept
in the data dir (shared by every app process), so any process can tell a real token from a forged
one without a registry. The token's folder <data dir>/uploads/selfcheck/up-<token>/ is created by
the first upload, not by a page view. A token is accepted while it is younger than TOKEN_TTL_S
and has not been used (a check leaves a tombstone in used/).

    up-<token>/files/<sanitised relative path>   finished uploads: what check_paths reads
    up-<token>/partial/<n>.part                  uploads in flight, moved into files/ when complete
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from ui.selfcheck import upload_limits
from ui.selfcheck.upload_limits import BUDGET, BUSY_MESSAGE, timed_chunks
from ui.uploads import safe_parts

PREFIX = "/api/selfcheck"
TOKEN_TTL_S = 2 * 3600
SWEEP_AFTER_S = TOKEN_TTL_S + 3600      # an upload accepted just before expiry may still be running
MAX_TOKEN_BYTES = 1200 * 1024 * 1024    # one work: a 500 MB video plus up to ~600 MB of the rest
MAX_FILES = 2000
WRITE_CHUNK = 1024 * 1024               # buffer the 64 KiB network pieces into 1 MiB disk writes
_MOUNTED_ENV = "RATING_UPLOAD_ROUTE"    # process-wide flag: survives Streamlit's module reloads
_TOKEN_RE = re.compile(r"^([0-9a-f]{8,12})-([A-Za-z0-9_-]{24})-([A-Za-z0-9_-]{22})$")
_keys: dict[str, bytes] = {}


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
    from ui.base_path import base_path
    return base_path() + PREFIX


def _key() -> bytes:
    """The signing key of this data dir, made once; every app process on the data dir reads it."""
    path = base_dir().parent / ".token-key"
    key = _keys.get(str(path))
    if key is None:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".token-key.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)          # atomic: of two processes starting together one key wins
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        key = _keys[str(path)] = path.read_bytes()
    return key


def _sign(stem: str) -> str:
    mac = hmac.new(_key(), stem.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _token_dir(token: str, now: float | None = None) -> Path | None:
    """The folder of a live token (it may not exist yet), or None: malformed, forged, expired or used."""
    m = _TOKEN_RE.match(token or "")
    if not m:
        return None
    age = (now or time.time()) - int(m.group(1), 16)
    if not -60 <= age <= TOKEN_TTL_S:
        return None
    if not hmac.compare_digest(m.group(3), _sign(f"{m.group(1)}-{m.group(2)}")):
        return None
    if (base_dir() / "used" / token).exists():
        return None
    return base_dir() / f"up-{token}"


def mint() -> str:
    """A new upload token. No folder yet: the first upload makes it. Old folders are swept now and then."""
    upload_limits.maybe_sweep(sweep)
    stem = f"{int(time.time()):x}-{secrets.token_urlsafe(18)}"
    return f"{stem}-{_sign(stem)}"


def is_live(token: str | None) -> bool:
    return bool(token) and _token_dir(token) is not None


def files_root(token: str, create: bool = False) -> Path | None:
    """The token's files/ folder; None if the token is dead or nothing was uploaded (unless create)."""
    folder = _token_dir(token)
    if folder is None:
        return None
    if create:
        (folder / "files").mkdir(parents=True, exist_ok=True)
        (folder / "partial").mkdir(exist_ok=True)
    return folder / "files" if (folder / "files").is_dir() else None


def status(token: str) -> dict:
    """{files, bytes, active}: finished uploads and uploads still in flight."""
    folder = _token_dir(token)
    if folder is None or not folder.is_dir():
        return {"files": 0, "bytes": 0, "active": 0}
    files = [p for p in (folder / "files").rglob("*") if p.is_file()]
    active = sum(1 for _ in (folder / "partial").iterdir()) if (folder / "partial").is_dir() else 0
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files), "active": active}


def discard(token: str | None) -> None:
    """Delete a token's folder and mark the token used: it is dead from then on."""
    if token and _TOKEN_RE.match(token):
        used = base_dir() / "used"
        used.mkdir(parents=True, exist_ok=True)
        (used / token).touch()
        folder = base_dir() / f"up-{token}"
        shutil.rmtree(folder, ignore_errors=True)
        BUDGET.forget(str(folder))


def sweep(now: float | None = None) -> int:
    """Delete token folders and tombstones left behind (tab closed, server killed); returns how many."""
    base, removed = base_dir(), 0
    if not base.is_dir():
        return 0
    cutoff = (now or time.time()) - SWEEP_AFTER_S
    for entry in [*base.glob("up-*"), *base.glob("used/*")]:
        name = entry.name[3:] if entry.name.startswith("up-") else entry.name
        m = _TOKEN_RE.match(name)
        try:
            too_old = (int(m.group(1), 16) if m else entry.stat().st_mtime) < cutoff
        except OSError:
            continue
        if too_old:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                BUDGET.forget(str(entry))
            else:
                entry.unlink(missing_ok=True)
            removed += entry.parent == base
    return removed


def _usage(files_dir: Path) -> tuple[int, int]:
    """(bytes, files) already on disk: the starting point after a server restart (read once per token)."""
    files = [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.is_dir() else []
    return sum(p.stat().st_size for p in files), len(files)


def _fail(status_code: int, message: str):
    from starlette.responses import JSONResponse
    return JSONResponse({"error": message}, status_code=status_code)


def _dead():
    return _fail(403, "上传链接无效或已过期，请刷新页面后重新上传。")


def _too_much():
    return _fail(413, f"一次上传的文件总大小不能超过 {MAX_TOKEN_BYTES // 1024 // 1024} MB，请分批检查。")


_part_numbers = itertools.count()       # names of in-flight files, unique within the process


async def put_file(request):
    """PUT <prefix>/<token>/<relative path>: stream the body to partial/, then move it into files/."""
    import anyio
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse

    token = request.path_params["token"]
    folder = _token_dir(token)
    if folder is None:
        return _dead()
    files_dir = folder / "files"
    dest = files_dir.joinpath(*safe_parts(request.path_params.get("relpath") or ""))
    # belt and braces: safe_parts already removed every escape route
    if files_dir.resolve() not in dest.resolve().parents:
        return _fail(400, "文件名无效，请修改文件名后重试。")
    cap_file, key = max_file_bytes(), str(folder)
    declared = request.headers.get("content-length")
    declared = int(declared) if declared and declared.isdigit() else None
    if declared is not None and declared > cap_file:
        return _fail(413, f"单个文件不能超过 {cap_file // 1024 // 1024} MB。")
    used = BUDGET.usage(key, lambda: _usage(files_dir))
    if used.files >= MAX_FILES:
        return _fail(413, f"一次最多上传 {MAX_FILES} 个文件，请分批检查。")
    if declared is not None and used.bytes + declared > MAX_TOKEN_BYTES:
        return _too_much()
    if not BUDGET.has_room(declared or 0, base_dir()):
        return _fail(503, BUSY_MESSAGE)
    files_dir.mkdir(parents=True, exist_ok=True)       # the first upload makes the folder
    (folder / "partial").mkdir(exist_ok=True)
    part = folder / "partial" / f"{next(_part_numbers)}.part"
    BUDGET.begin(used)
    written, ok = 0, False
    try:
        with open(part, "wb") as out:
            buf = bytearray()
            async for chunk in timed_chunks(request):
                written += len(chunk)
                BUDGET.grow(used, len(chunk))
                if written > cap_file:
                    return _fail(413, f"单个文件不能超过 {cap_file // 1024 // 1024} MB。")
                if used.bytes > MAX_TOKEN_BYTES:
                    return _too_much()
                if not BUDGET.has_room(0, part):
                    return _fail(503, BUSY_MESSAGE)
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
            return _fail(400, "文件夹中有同名的文件和文件夹，无法保存，请修改名称后重试。")
        BUDGET.finish(used, written, replaced)
        ok = True
        return JSONResponse({"path": "/".join(dest.relative_to(files_dir).parts), "bytes": written},
                            status_code=201)
    except upload_limits.Stalled:
        return _fail(408, "上传长时间没有进展，已中断，请检查网络后重新上传。")
    except ClientDisconnect:
        return _fail(400, "上传中断，请重新上传。")
    except OSError:
        return _fail(500, "服务器保存文件失败（磁盘空间可能不足），请稍后重试或联系管理员。")
    finally:
        if not ok:                       # error, cap exceeded, stall, disconnect or cancellation
            BUDGET.abort(used, written)
            part.unlink(missing_ok=True)


async def info(request):
    """GET <prefix>/<token>: {files, bytes, active}; with ?checklist also the checklist the uploader
    frame draws."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse

    token = request.path_params["token"]
    if _token_dir(token) is None:
        return _dead()
    if "checklist" not in request.query_params:
        return JSONResponse(status(token))
    from ui.selfcheck.preview import root_checklist
    body = await run_in_threadpool(lambda: {**status(token), "checklist": root_checklist(files_root(token), token)})
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def clear(request):
    """DELETE <prefix>/<token>, the uploader's 清空 button: forget every finished file of this token
    (the token stays usable). Uploads still in flight keep counting against the caps until they end."""
    from starlette.responses import JSONResponse

    folder = _token_dir(request.path_params["token"])
    if folder is None:
        return _dead()
    if (folder / "files").is_dir():
        shutil.rmtree(folder / "files", ignore_errors=True)
        (folder / "files").mkdir(exist_ok=True)
    BUDGET.cleared(str(folder))
    return JSONResponse({"files": 0, "bytes": 0})


def routes() -> list:
    """Starlette routes for st.App (called only in the server process: it marks the process mounted)."""
    from starlette.routing import Route

    os.environ[_MOUNTED_ENV] = "1"
    prefix = url_prefix()
    return [Route(prefix + "/{token}", info, methods=["GET"]),
            Route(prefix + "/{token}", clear, methods=["DELETE"]),
            Route(prefix + "/{token}/{relpath:path}", put_file, methods=["PUT"])]
