"""The checklist under the streaming uploader: which items the files received so far fill.

The route (ui/selfcheck/upload_route.py) moves each upload into the token's files/ folder only once it is
complete, so listing that folder on disk is the upload progress. Which item each file fills is
checks.package.preview's business (names and sizes only, a preview).

The uploader frame draws this checklist itself from the route's JSON (GET <token>?checklist), after
each finished file and after each page run (the project may have changed). The page never reruns
for an upload: a rerun started from inside the frame could cut short the run the teacher started
with 开始检查, so uploads and page runs stay apart. No Streamlit here.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from checks.package.preview import preview_items
from checks.report.html import project_name

log = logging.getLogger(__name__)
_MAX_LISTED = 5000                    # the route accepts 2000 files per token; never walk more than this
EMPTY_NOTE = "文件上传完成后，这里会按文件名逐项勾选报送内容清单。"

# The project each upload token's page has chosen. The frame's requests reach the process that
# drew the page (one process, or nginx's sticky hash), so memory is enough; bounded, oldest out.
_PROJECTS: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()
_PROJECTS_MAX = 20_000
_LOCK = threading.Lock()


def remember_project(token: str, project: str | None, subtype: str | None = None) -> None:
    """Called on every page run: the checklist follows the project picker."""
    with _LOCK:
        _PROJECTS[token] = (project, subtype)
        _PROJECTS.move_to_end(token)
        while len(_PROJECTS) > _PROJECTS_MAX:
            _PROJECTS.popitem(last=False)


def project_of(token: str) -> str | None:
    with _LOCK:
        return (_PROJECTS.get(token) or (None, None))[0]


def subtype_of(token: str) -> str | None:
    with _LOCK:
        return (_PROJECTS.get(token) or (None, None))[1]


def list_uploads(root: Path | None) -> dict[str, int]:
    """{relative posix path: size} of the finished uploads under root; {} when there is no folder.
    A file deleted while we walk (the 清空 button) is simply skipped."""
    out: dict[str, int] = {}
    if root is None:
        return out
    try:
        for p in root.rglob("*"):
            if len(out) >= _MAX_LISTED:
                break
            try:
                if p.is_file() and not p.is_symlink():
                    out[p.relative_to(root).as_posix()] = p.stat().st_size
            except OSError:
                continue
    except OSError:
        pass
    return out


def checklist(files: dict[str, int], project: str | None) -> dict:
    """What the frame shows for the files received so far (files: path -> size, as list_uploads).

    Plain text only (the frame sets it as text, never as HTML): {empty} before any file, else
    {head, info, caption, items: [{done, name, optional, files}], unplaced, note}.
    """
    if not files:
        return {"empty": EMPTY_NOTE}
    pv = preview_items(project, list(files), files)
    out = {"head": f"已收到 {len(files)} 个文件，共 {sum(files.values()) / 1e6:.1f} MB", "info": None,
           "caption": None, "items": [], "unplaced": None, "note": None}
    if pv["archive"]:
        out["info"] = f"已收到压缩包“{pv['archive']}”：其中的文件在点击“开始检查”后读取并逐项核对。"
        return out
    if pv["project"] is None:
        out["info"] = ("还不能确定项目类型：请在上方选择项目类型，或上传完整的一级文件夹"
                       "（二级文件夹以项目名称命名，如“融合创新应用教学案例”）。")
        return out
    how = f"按二级文件夹“{pv['level2']}”识别" if pv["project_source"] == "folder" else "已选择"
    out["caption"] = (f"项目类型：{project_name(pv['project'])}（{how}）"
                      + (f" · 作品名称：{pv['level3']}" if pv["level3"] else ""))
    out["items"] = [{"done": bool(it["files"]), "name": it["name"], "optional": not it["required"],
                     "files": "、".join(p.rsplit("/", 1)[-1] for p in it["files"]) or "尚未收到"}
                    for it in pv["items"]]
    if pv["unplaced"]:
        out["unplaced"] = f"另有 {len(pv['unplaced'])} 个文件不在“作品名称”文件夹内，检查时会指出位置问题。"
    out["note"] = pv["note"]
    return out


def root_checklist(root: Path | None, token: str) -> dict:
    """The checklist of the finished uploads under root for the project the token's page last
    chose; never raises."""
    try:
        return checklist(list_uploads(root), project_of(token))
    except Exception:                # a preview must never break the uploader
        log.exception("upload checklist preview failed")
        return {"empty": "暂时无法显示上传清单；不影响检查，上传完成后请点击“开始检查”。"}
