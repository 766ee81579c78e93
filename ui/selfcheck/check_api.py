"""POST /api/check: the batch check over HTTP, for the province's submission platform, a school's
script or a load test.

    curl -F "files=@案例介绍.docx;filename=小学某校张三/教师研修案例/作品/案例介绍.docx" \
         "http://HOST/api/check?project=training_case"

The multipart body is parsed as it arrives (python-multipart's streaming parser) and each `files`
part is written to disk under its sanitised relative path (ui.uploads.safe_parts), never held in
RAM; the caps are the page's (ui/selfcheck/upload_route.py). The check runs in the process pool
(checkpool) from inside the job folder, so the answer is exactly `python -m checks --json` run
there: the same object, the same paths.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import secrets
import shutil
from pathlib import Path

from ui.selfcheck import upload_route
from ui.selfcheck.upload_limits import BUDGET, BUSY_MESSAGE, Stalled, timed_chunks
from ui.uploads import safe_parts

log = logging.getLogger(__name__)
PATH = "/api/check"
FIELD = "files"
WRITE_CHUNK = 1024 * 1024
MAX_PART_HEADERS = 16 * 1024        # bytes of headers per part: a name is long, not that long
_SUBTYPE_CHARS = set("abcdefghijklmnopqrstuvwxyz_")


class _Reject(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


def jobs_dir() -> Path:
    return upload_route.base_dir().parent / "api"


class _Receiver:
    """Callbacks of python-multipart's parser: header bytes are collected, data goes to a buffer that
    the request loop flushes to disk in 1 MiB writes (in a thread, off the event loop)."""

    def __init__(self, root: Path, usage):
        self.root, self.usage = root, usage
        self.files: dict[Path, int] = {}         # written so far, by destination
        self.headers: dict[bytes, bytes] = {}
        self._field = self._value = b""
        self.out = None                          # open file of the current `files` part
        self.dest: Path | None = None
        self.buf = bytearray()
        self.header_bytes = 0
        self.closing: list = []                  # files finished by the parser, to close after a flush

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self):
        self.headers, self.dest, self.header_bytes = {}, None, 0

    def header_field(self, data, start, end):
        self._grow_headers(end - start)
        self._field += data[start:end]

    def header_value(self, data, start, end):
        self._grow_headers(end - start)
        self._value += data[start:end]

    def _grow_headers(self, n: int):
        self.header_bytes += n
        if self.header_bytes > MAX_PART_HEADERS:
            raise _Reject(400, "请求格式无效：分段头过长。")

    def header_end(self):
        self.headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def headers_finished(self):
        from python_multipart.multipart import parse_options_header
        # Header bytes are UTF-8 in practice (curl, browsers); the parser wants latin-1 text.
        _, opts = parse_options_header(self.headers.get(b"content-disposition", b"").decode("latin-1"))
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        if name != FIELD or b"filename" not in opts:
            return                               # another field: its data is counted, not kept
        filename = opts[b"filename"].decode("utf-8", "replace")
        dest = self.root.joinpath(*safe_parts(filename))
        if self.root.resolve() not in dest.resolve().parents:
            raise _Reject(400, "文件名无效，请修改文件名后重试。")
        if dest not in self.files and len(self.files) >= upload_route.MAX_FILES:
            raise _Reject(413, f"一次最多上传 {upload_route.MAX_FILES} 个文件，请分批检查。")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.out = open(dest, "wb")          # the same name twice: the later part wins, as on disk
        except OSError:
            raise _Reject(400, "文件夹中有同名的文件和文件夹，无法保存，请修改名称后重试。") from None
        self.dest = dest
        self.files[dest] = 0

    def part_data(self, data, start, end):
        n = end - start
        BUDGET.grow(self.usage, n)
        if self.dest is None:
            return
        self.files[self.dest] += n
        cap = upload_route.max_file_bytes()
        if self.files[self.dest] > cap:
            raise _Reject(413, f"单个文件不能超过 {cap // 1024 // 1024} MB。")
        self.buf += data[start:end]

    def part_end(self):
        if self.out is not None:
            self.closing.append((self.out, bytes(self.buf)))
            self.buf.clear()
            self.out = None
        self.dest = None

    async def flush(self, force: bool = False):
        import anyio
        pending, self.closing = self.closing, []
        if self.out is not None and (force or len(self.buf) >= WRITE_CHUNK):
            data, out = bytes(self.buf), self.out
            self.buf.clear()
            await anyio.to_thread.run_sync(out.write, data)
        for out, data in pending:
            await anyio.to_thread.run_sync(_write_close, out, data)

    def close_all(self):
        for out, _ in self.closing:
            out.close()
        if self.out is not None:
            self.out.close()


def _write_close(out, data: bytes) -> None:
    with out:
        out.write(data)


def _retry_after(pool) -> str:
    load = pool.load()
    return str(max(5, 5 * math.ceil((load["waiting"] + 1) / load["size"])))


def routes() -> list:
    """The route for st.App, at /api/check and, under a base URL path, there too."""
    from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from checkpool import QueueFull, get_pool

    def fail(status: int, message: str, headers: dict | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    def busy(pool) -> JSONResponse:
        return fail(503, "检查队列已满，" + BUSY_MESSAGE, {"Retry-After": _retry_after(pool)})

    async def check(request):
        from checks.rules import load_rules
        project = request.query_params.get("project") or None
        subtype = request.query_params.get("subtype") or None
        projects = load_rules()["projects"]
        if project is not None and project not in projects:
            return fail(400, f"未知的项目类型：{project[:40]}。可用：{'、'.join(projects)}。")
        if subtype is not None and (len(subtype) > 40 or not set(subtype) <= _SUBTYPE_CHARS):
            return fail(400, f"未知的案例类型：{subtype[:40]}。可用：regional、school、studio。")
        ctype, opts = parse_options_header(request.headers.get("content-type", ""))
        if ctype != b"multipart/form-data" or not opts.get(b"boundary"):
            return fail(400, "请求格式无效：请用 multipart/form-data 上传，文件放在 files 字段中。")
        limit = upload_route.MAX_TOKEN_BYTES
        declared = request.headers.get("content-length")
        declared = int(declared) if declared and declared.isdigit() else None
        if declared is not None and declared > limit + 1024 * 1024:      # the form's own bytes: small
            return fail(413, f"一次上传的文件总大小不能超过 {limit // 1024 // 1024} MB，请分批检查。")
        pool = get_pool()
        if pool.is_full():
            return busy(pool)
        if not BUDGET.has_room(declared or 0, jobs_dir()):
            return fail(503, BUSY_MESSAGE, {"Retry-After": "30"})
        job = jobs_dir() / f"job-{secrets.token_hex(12)}"
        root = job / "files"
        root.mkdir(parents=True)
        usage = BUDGET.usage(str(job), lambda: (0, 0))
        rx = _Receiver(root, usage)
        parser = MultipartParser(opts[b"boundary"], rx.callbacks())
        ticket = None
        try:
            try:
                async for chunk in timed_chunks(request):
                    parser.write(chunk)
                    await rx.flush()
                    if usage.bytes > limit:
                        raise _Reject(413, f"一次上传的文件总大小不能超过 {limit // 1024 // 1024} MB，请分批检查。")
                    if not BUDGET.has_room(0, job):
                        raise _Reject(503, BUSY_MESSAGE)
                parser.finalize()
                if parser.state not in (MultipartState.END, MultipartState.BOUNDARY_PADDING):
                    raise _Reject(400, "请求格式无效：multipart 内容不完整（上传被截断？），请重新上传。")
                await rx.flush(force=True)
            except _Reject:
                raise
            except Stalled:
                raise _Reject(408, "上传长时间没有进展，已中断，请检查网络后重新上传。") from None
            except ClientDisconnect:
                raise _Reject(400, "上传中断，请重新上传。") from None
            except OSError:
                log.exception("check API could not store an upload")
                raise _Reject(500, "服务器保存文件失败（磁盘空间可能不足），请稍后重试或联系管理员。") from None
            except Exception:                    # python-multipart's parse errors
                raise _Reject(400, "请求格式无效：multipart 内容不完整或已损坏。") from None
            finally:
                rx.close_all()
            if not rx.files:
                raise _Reject(400, "没有收到文件：请在 files 字段中上传作品文件（可多个，文件名可带相对路径）。")
            names = sorted(p.name for p in root.iterdir())
            try:
                ticket = pool.submit(names, project, subtype, cwd=root)
            except QueueFull:
                return busy(pool)
            try:
                report = await asyncio.wrap_future(ticket.future)
            except Exception:
                log.exception("check API: the check failed")
                return fail(500, "检查过程中出现意外错误，未能完成检查。请确认文件能正常打开后重试；如仍出错，请联系管理员。")
            body = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
            return Response(body, media_type="application/json; charset=utf-8")
        except _Reject as exc:
            return fail(exc.status, exc.message, {"Retry-After": "30"} if exc.status == 503 else None)
        finally:
            if ticket is not None and not ticket.done():
                ticket.cancel()                  # the client went away while it waited
            shutil.rmtree(job, ignore_errors=True)
            BUDGET.forget(str(job))

    paths = {PATH, upload_route.url_prefix()[: -len(upload_route.PREFIX)] + PATH}
    return [Route(p, check, methods=["POST"]) for p in sorted(paths)]
