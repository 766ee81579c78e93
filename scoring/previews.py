"""What the viewers parse, run through scoring.limits (child process, timeout, memory cap), so a
hostile file is refused with "文件过大或结构异常，无法预览" instead of holding the server.

`docx_html`, `archive_listing` and `archive_member` are the parent-side calls; the `_…_child`
functions run in the child.
"""
from __future__ import annotations

from pathlib import Path

from scoring.limits import run_limited

DOCX_TIMEOUT_S = 30
LISTING_TIMEOUT_S = 30
MAX_LISTED = 5000
MAX_MEMBER = 2 * 1024**3


def docx_html(path: str | Path) -> str:
    return run_limited("scoring.previews:_docx_html_child", str(path), timeout=DOCX_TIMEOUT_S, memory=1024**3)


def archive_listing(path: str | Path) -> dict:
    """{"members": [{path, size, unsafe, encrypted, is_link}], "findings": [zh]} without directories."""
    return run_limited("scoring.previews:_archive_listing_child", str(path), timeout=LISTING_TIMEOUT_S,
                       memory=1024**3)


def archive_member(path: str | Path, member: str, dst: str | Path) -> None:
    """Copy one member to `dst` (capped); time allowed grows with the member's size."""
    size = Path(path).stat().st_size
    run_limited("scoring.previews:_archive_member_child", str(path), member, str(dst),
                timeout=60 + size / (20 * 1024**2), memory=1024**3)


def _docx_html_child(path: str) -> str:
    import io
    import zipfile

    import mammoth

    from scoring.blind_ooxml import MAX_TOTAL, check_sizes, read_capped
    # Inflate every part under the caps before mammoth sees it: a lying header or a 1 GiB XML
    # part is refused here, not while mammoth builds a tree of it.
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zout:
        check_sizes(zin)
        budget = MAX_TOTAL
        for info in zin.infolist():
            data = read_capped(zin, info, budget)
            budget -= len(data)
            zout.writestr(info.filename, data)
    buf.seek(0)
    return mammoth.convert_to_html(buf).value or "<p>（文档没有可显示的正文）</p>"


def _archive_listing_child(path: str) -> dict:
    from checks.archives import open_archive
    with open_archive(path) as arc:
        files = [m for m in arc.members if not m.is_dir]
        return {"members": [{"path": m.path, "size": m.size, "unsafe": bool(m.unsafe),
                             "encrypted": bool(m.encrypted), "is_link": bool(m.is_link)}
                            for m in files[:MAX_LISTED]],
                "more": max(0, len(files) - MAX_LISTED),
                "findings": [{"level": f.level, "message": f.message} for f in arc.findings]}


def _archive_member_child(path: str, member: str, dst: str) -> None:
    from checks.archives import open_archive
    from scoring.blind_copy import copy_capped
    with open_archive(path) as arc:
        m = arc.get(member)
        if m is None:
            raise FileNotFoundError(member)
        with arc.open(m) as src:
            copy_capped(src, Path(dst), MAX_MEMBER)
