"""Receive the MediaInfo JSON of a video the browser analysed itself (the video is not uploaded).

    PUT /api/selfcheck-media/<token>/<relative path>   body: {"size", "kind", "mediainfo"}

The body (at most a few hundred KB) is checked for shape by checks.media.browser_record and stored
in the token's files/ folder at the video's own path as a record file, where the check finds it
(check_paths(..., browser_media=True)). The MediaInfo content itself is judged there, so a forged
one becomes a finding in the report. Tokens and folders are those of ui/selfcheck/upload_route.py.

The answer also carries this video's own verdict, so the uploader row shows it within a second of
the pick: the same engine in the check pool, on the files received so far, for the project the
page has chosen (ui/selfcheck/preview.remember_project); only findings about this file are kept.
The full check after 开始检查 stays the verdict of record.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
from pathlib import Path

from checks.media import browser_record
from ui.selfcheck import upload_route
from ui.uploads import safe_parts

log = logging.getLogger(__name__)
PREFIX = "/api/selfcheck-media"
QUICK_VERDICT_S = 5          # past this the row just says 已分析; the full check still judges it


def url_prefix() -> str:
    from ui.base_path import base_path
    return base_path() + PREFIX


def routes() -> list:
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from checks.errors import Unreadable

    def fail(status_code: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status_code)

    async def put(request):
        token = request.path_params["token"]
        files_dir = upload_route.files_root(token, create=True)   # a record may be the first file
        if files_dir is None:
            return fail(403, "上传链接无效或已过期，请刷新页面后重新上传。")
        used = upload_route.status(token)
        if used["files"] >= upload_route.MAX_FILES:
            return fail(413, f"一次最多上传 {upload_route.MAX_FILES} 个文件，请分批检查。")
        dest = files_dir.joinpath(*safe_parts(request.path_params.get("relpath") or ""))
        if files_dir.resolve() not in dest.resolve().parents:
            return fail(400, "文件名无效，请修改文件名后重试。")
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > browser_record.MAX_RECORD_BYTES:
                    return fail(413, "视频分析结果过大。")
        except ClientDisconnect:
            return fail(400, "上传中断，请重新上传。")
        if used["bytes"] + len(body) > upload_route.MAX_TOKEN_BYTES:     # records count like uploads
            return fail(413, f"一次上传的文件总大小不能超过 {upload_route.MAX_TOKEN_BYTES // 1024 // 1024} MB，请分批检查。")
        try:
            env = browser_record.envelope(bytes(body))
        except Unreadable as exc:
            return fail(400, exc.message)
        part = files_dir.parent / "partial" / f"mi-{secrets.token_hex(8)}.part"
        try:
            part.write_bytes(browser_record.encode(env))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, dest)         # the same path again (re-chosen file) replaces it
        except OSError:
            part.unlink(missing_ok=True)
            return fail(400, "文件夹中有同名的文件和文件夹，无法保存，请修改名称后重试。")
        rel = "/".join(dest.relative_to(files_dir).parts)
        return JSONResponse({"path": rel, "bytes": len(body), "verdict": await quick_verdict(token, files_dir, rel)},
                            status_code=201)

    return [Route(url_prefix() + "/{token}/{relpath:path}", put, methods=["PUT"])]


async def quick_verdict(token: str, files_dir: Path, rel: str) -> dict | None:
    """{ok, lines} for the video at `rel`, or None (no project chosen yet, pool busy, too slow)."""
    from checkpool import QueueFull, get_pool
    from ui.selfcheck.preview import project_of, subtype_of
    project = project_of(token)
    if project is None:
        return None
    try:
        ticket = get_pool().submit(sorted(files_dir.iterdir()), project, subtype_of(token), browser_media=True)
    except QueueFull:
        return None
    try:
        report = await asyncio.wait_for(asyncio.wrap_future(ticket.future), QUICK_VERDICT_S)
    except Exception:                      # too slow or failed: the full check will say
        ticket.cancel()
        log.info("no quick verdict for %s", rel, exc_info=True)
        return None
    return verdict_of(report, rel)


def verdict_of(report, rel: str) -> dict | None:
    """This file's errors and warnings from a report of the whole upload (its path as the report
    names it may start at the upload root or below the level-1 folder)."""
    from checks.findings import ERROR, WARNING

    def is_mine(path: str | None) -> bool:
        return bool(path) and (path == rel or rel.endswith("/" + path))
    if not any(is_mine(f.path) for f in report.files):
        return None
    mine = [f for f in report.findings if is_mine(f.path) and f.level in (ERROR, WARNING)]
    errors = [f for f in mine if f.level == ERROR]
    return {"ok": not errors, "lines": [f.message for f in (errors or mine)][:3]}
