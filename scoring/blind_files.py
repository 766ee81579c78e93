"""The blind view of a work's files: which files a reviewer may see and under which names, where
the file behind a blind name is stored, and the 初审 findings a reviewer may read.

Every public function here checks the actor first, with the same rule as the review writers:
an admin, or a reviewer who is assigned to the work, active and free of recusal (same school, or
same district where the rules say so). Reviewers never get the registration form, the summary
sheet, the level-1 folder name, author or school names.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from scoring import db as _db
from scoring.errors import NotFound, PermissionDenied
from scoring.permissions import Actor

# Items that carry names, schools or signatures: never shown to a reviewer.
HIDDEN_ITEMS = {"registration_form", "info_form", "summary_sheet"}
_HIDDEN_NAME = re.compile(r"登记表|信息表|汇总表|附件\s*[124]")
# Findings about the level-1 folder name, the packaging or the author list speak of who sent it.
HIDDEN_RULES = {"package.naming", "package.archive", "form.authors"}
MASK = "＊＊"
MIME = {"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska", "webm": "video/webm",
        "avi": "video/x-msvideo", "flv": "video/x-flv", "wmv": "video/x-ms-wmv", "mpegts": "video/mp2t",
        "mpeg": "video/mpeg", "3gp": "video/3gpp", "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc": "application/msword", "wps": "application/msword", "rtf": "application/rtf",
        "zip": "application/zip", "rar": "application/vnd.rar", "7z": "application/x-7z-compressed",
        "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
        "webp": "image/webp", "tiff": "image/tiff", "mp3": "audio/mpeg", "wav": "audio/wav",
        "aac": "audio/aac", "m4a": "audio/mp4", "text": "text/plain", "html": "text/html"}
_DENIED_FILE = "该文件不属于此作品，或不对评委开放。"


def secrets(work: dict) -> list[str]:
    """Names that identify the sender (authors, school, level-1 folder), longest first."""
    names = [*(work.get("authors") or []), work.get("school") or "", work.get("folder_name") or ""]
    return sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True)


def redact(text: str, names: list[str]) -> str:
    """Mask the names however they were typed ("王 伟", full-width letters): scoring.names."""
    from scoring.names import mask
    return mask(text, names)


def blind_files(work: dict, files: list[dict]) -> list[dict]:
    """Files a reviewer may see, with the level-1 folder stripped and names/school masked.
    `ref` is the stored path (server side only; never hand it to a reviewer)."""
    names = secrets(work)
    out = []
    for f in files:
        parts = f["path"].replace("\\", "/").split("/")
        if work.get("folder_name") and parts and parts[0] == work["folder_name"]:
            parts = parts[1:]
        name = parts[-1] if parts else ""
        if f.get("item") in HIDDEN_ITEMS or _HIDDEN_NAME.search(name):
            continue
        out.append({"path": redact("/".join(parts), names), "kind": f.get("kind"), "size": f.get("size"),
                    "item": f.get("item"), "ref": f["path"]})
    return out


def viewable_work(cur, actor: Actor, work_id: int) -> dict:
    """The work row, after checking the actor may see this work (admin, or assigned reviewer
    without conflict). Reviewers get PermissionDenied for unknown ids too: ids are not a probe."""
    if not isinstance(actor, Actor):
        raise PermissionDenied("请先登录。")
    if not actor.is_admin:
        from scoring.reviews import _work_for_reviewer
        _work_for_reviewer(cur, work_id, actor.username)
    w = _db.rows(cur, "SELECT * FROM works WHERE id = ?", [work_id])
    if not w:
        raise NotFound(f"作品 {work_id} 不存在")
    return w[0]


def work_files(cur, work_id: int) -> list[dict]:
    return _db.rows(cur, "SELECT path, kind, size, item FROM work_files WHERE work_id = ? ORDER BY path", [work_id])


def blind_file(actor: Actor, work_id: int, blind_name_or_id: str | int, *, db=None) -> dict:
    """Where one file of a work is stored: {name, kind, mime, size, path, member}.

    `blind_name_or_id` is a blind name from `blind_work(...)["files"]` or its position in that list;
    an admin may also give the stored path (work_detail's files), hidden items included.
    `path` is the absolute stored file; for a work imported as an archive it is the archive and
    `member` the entry inside it (else None). Raises PermissionDenied for a reviewer who may not
    see the work or asks for a file outside the blind list (registration form, summary sheet);
    FileNotFoundError when the imported package is no longer where it was imported from."""
    cur = _db.cursor(db)
    w = viewable_work(cur, actor, work_id)
    files = work_files(cur, work_id)
    shown = blind_files(w, files)
    if isinstance(blind_name_or_id, int) and not isinstance(blind_name_or_id, bool):
        f = shown[blind_name_or_id] if 0 <= blind_name_or_id < len(shown) else None
    else:
        f = next((s for s in shown if s["path"] == blind_name_or_id), None)
        if f is None and actor.is_admin:
            f = next(({**s, "ref": s["path"]} for s in files if s["path"] == blind_name_or_id), None)
    if f is None:
        if actor.is_admin:
            raise NotFound("该作品没有这个文件。")
        raise PermissionDenied(_DENIED_FILE)
    ref, kind = f["ref"], f.get("kind")
    out = {"name": f["path"], "kind": kind, "mime": MIME.get(kind or "", "application/octet-stream"),
           "size": f.get("size"), "path": None, "member": None}
    source = Path(w["source_path"] or "")
    if w["source_path"] and source.is_dir():
        # Stored paths start with the level-1 folder, which is the imported folder itself.
        root = source.resolve()
        target = (root.parent / ref).resolve()
        if not target.is_relative_to(root):
            raise PermissionDenied("文件路径无效。")
        out["path"] = str(target)
    elif w["source_path"] and source.is_file():
        out["path"], out["member"] = str(source.resolve()), ref
    else:
        raise FileNotFoundError(2, "作品文件已不在导入时的位置", "")
    return out


def blind_redactor(actor: Actor, work_id: int, *, db=None) -> Callable[[str], str]:
    """A function masking this work's author, school and level-1 names in text read from inside
    its files (archive member names, document text), for the same actors as `blind_file`."""
    names = secrets(viewable_work(_db.cursor(db), actor, work_id))
    return lambda text: redact(text, names)


def blind_findings(actor: Actor, work_id: int, *, db=None) -> list[dict]:
    """初审 findings a reviewer may read: [{rule, level, message, path}]. None about hidden items,
    the level-1 folder or the author list; paths without the level-1 folder; author, school and
    folder names masked. Same permission rule as `blind_file`."""
    w = viewable_work(_db.cursor(db), actor, work_id)
    report = json.loads(w["precheck_report"]) if w.get("precheck_report") else {}
    names = secrets(w)
    out = []
    for f in report.get("findings", []):
        if f.get("rule") in HIDDEN_RULES or f.get("item") in HIDDEN_ITEMS:
            continue
        path = f.get("path")
        if path:
            shown = blind_files(w, [{"path": path, "kind": None, "size": None, "item": f.get("item")}])
            if not shown:
                continue
            path = shown[0]["path"]
        out.append({"rule": f.get("rule"), "level": f.get("level"),
                    "message": redact(f.get("message") or "", names), "path": path})
    return out
