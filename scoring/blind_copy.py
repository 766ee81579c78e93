"""What a reviewer views or downloads: a blinded copy of a work's file, made once and cached.

`viewer_file` answers for any actor: an admin gets the original, a reviewer (checked by
`blind_file`: assigned, active, no 回避) a copy with document properties and media tags removed and
author, school and folder names masked (scoring.blind_formats, run in a limited child so that a
bomb or a hanging parser is refused with "文件过大或结构异常，无法预览"). Copies live in the data dir's
`store/blind/`, named by a hash of the source, its size and time, and the masked names, next to a
small JSON with what the viewer needs (kind, download allowed, masked text, risks).
`identity_risks` gives the admin what could not be masked, for the 初审 table.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from scoring import db as _db
from scoring.blind_files import blind_file, blind_files, secrets, viewable_work, work_files
from scoring.errors import PermissionDenied
from scoring.limits import TooComplex, run_limited
from scoring.permissions import Actor, require_admin

VERSION = "blind-v1"
MAX_MEMBER = 2 * 1024**3
KEEP_UNUSED_S = 7 * 86400       # a copy nobody opened for a week is dropped (made again on demand)
RISK_FLAG = "作品内可能含作者信息"


def _store(store: str | os.PathLike | None) -> Path:
    if store is not None:
        return Path(store)
    from accounts import data_dir
    return data_dir() / "store"


def viewer_file(actor: Actor, work_id: int, blind_name: str, *, db=None, store=None) -> dict:
    """{path, kind, name, downloadable, text, risks, withheld, blinded} of one file as `actor` may
    see it; `withheld` names archive members left out of the copy (too big or malformed)."""
    found = blind_file(actor, work_id, blind_name, db=db)
    src = _local_original(found, _store(store))
    kind = found.get("kind") or _sniff(src)
    if actor.is_admin:
        return {"path": str(src), "kind": kind, "name": found["name"], "downloadable": True,
                "text": None, "risks": [], "withheld": [], "blinded": False}
    names = secrets(viewable_work(_db.cursor(db), actor, work_id))
    return _blinded(src, kind, found["name"], names, _store(store))


def identity_risks(actor: Actor, work_id: int, *, compute: bool = True, db=None, store=None) -> list[str] | None:
    """Admin: where this work may still show who made it to a reviewer (Chinese, one per file);
    [] when nothing; None when not computed yet and `compute` is False."""
    require_admin(actor)
    cur = _db.cursor(db)
    work = viewable_work(cur, actor, work_id)
    names = secrets(work)
    out: list[str] = []
    for f in blind_files(work, work_files(cur, work_id)):
        try:
            found = blind_file(actor, work_id, f["ref"], db=db)
            src = _local_original(found, _store(store))
        except (OSError, PermissionDenied) as exc:
            out.append(f"{f['path']}：无法读取（{getattr(exc, 'strerror', None) or exc}）")
            continue
        kind = found.get("kind") or _sniff(src)
        meta = _meta_path(src, kind, names, _store(store))
        if not meta.is_file() and not compute:
            return None
        try:
            got = _blinded(src, kind, f["path"], names, _store(store))
        except TooComplex:
            out.append(f"{f['path']}：文件过大或结构异常，无法检查")
            continue
        out += [f"{f['path']}：{r}" for r in got["risks"]]
    return out


def check_identity(actor: Actor, work_id: int, *, db=None, store=None) -> list[str]:
    """Admin: compute `identity_risks` for a work (blinding its files on the way, so reviewers
    later open them at once) and remember the answer for the 初审 table."""
    risks = identity_risks(actor, work_id, compute=True, db=db, store=store) or []
    path = _summary_path(work_id, store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"risks": risks}, ensure_ascii=False), "utf-8")
    return risks


def known_identity_risks(actor: Actor, work_ids: list[int], *, store=None) -> dict[int, list[str] | None]:
    """Admin: the remembered answers of `check_identity` (None: not checked yet)."""
    require_admin(actor)
    out: dict[int, list[str] | None] = {}
    for wid in work_ids:
        try:
            out[wid] = json.loads(_summary_path(wid, store).read_text("utf-8"))["risks"]
        except (OSError, ValueError, KeyError):
            out[wid] = None
    return out


def _summary_path(work_id: int, store) -> Path:
    return _store(store) / "blind" / f"work-{int(work_id)}.json"


def _blinded(src: Path, kind: str, name: str, names: list[str], store: Path) -> dict:
    meta = _meta_path(src, kind, names, store)
    if meta.is_file():
        got = json.loads(meta.read_text("utf-8"))
        if got["path"] is None or Path(got["path"]).is_file():
            os.utime(meta)                  # used: keep it
            return got
    meta.parent.mkdir(parents=True, exist_ok=True)
    _prune(meta.parent)
    target = meta.with_suffix("")
    tmp = target.with_name(target.name + ".part")
    size = src.stat().st_size
    try:
        got = run_limited("scoring.blind_formats:blind_any", str(src), str(tmp), kind, names,
                          timeout=60 + size / (20 * 1024**2))
    except TooComplex:
        tmp.unlink(missing_ok=True)
        raise
    if tmp.exists():
        tmp.replace(target)
    shown = name.rsplit(".", 1)[0] + ".zip" if kind == "rar" else name
    result = {"path": str(target) if got["downloadable"] else None, "kind": "zip" if kind == "rar" else kind,
              "name": _mask_name(shown, names), "downloadable": bool(got["downloadable"]),
              "text": got.get("text"), "risks": got.get("risks") or [], "withheld": got.get("withheld") or [],
              "blinded": True}
    meta.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    return result


def _prune(folder: Path) -> None:
    import time
    cutoff = time.time() - KEEP_UNUSED_S
    for meta in folder.glob("*.json"):
        if meta.name.startswith("work-"):
            continue
        try:
            if meta.stat().st_mtime < cutoff:
                meta.with_suffix("").unlink(missing_ok=True)
                meta.unlink()
        except OSError:
            pass


def _mask_name(name: str, names: list[str]) -> str:
    from scoring.names import mask
    return mask(name, names)


def _meta_path(src: Path, kind: str, names: list[str], store: Path) -> Path:
    st = src.stat()
    key = json.dumps([VERSION, str(src), st.st_mtime_ns, st.st_size, kind, sorted(names)], ensure_ascii=False)
    return store / "blind" / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")


def _sniff(path: Path) -> str:
    from checks.sniff import sniff_path
    return sniff_path(path)


def _local_original(found: dict, store: Path) -> Path:
    """The original on disk; a member of an imported archive is copied (capped) to the cache first."""
    if found["member"] is None:
        return Path(found["path"])
    from checks.sources import open_submission
    source = Path(found["path"])
    stat = source.stat()
    digest = hashlib.sha256(f"{source}\x1f{stat.st_mtime_ns}\x1f{found['member']}".encode()).hexdigest()[:32]
    target = store / "cache" / digest
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open_submission([source]) as sub:
        entry = next((e for e in sub.entries if e.path == found["member"]), None)
        if entry is None:
            raise FileNotFoundError(2, "压缩包中找不到该文件", "")
        with entry.open() as src:
            copy_capped(src, target)
    return target


def copy_capped(src, target: Path, limit: int = MAX_MEMBER) -> None:
    """Copy in 1 MiB chunks; a member growing past `limit` is refused (its declared size may lie),
    and a half-written copy never takes the target's name."""
    tmp = target.with_name(target.name + ".part")
    with open(tmp, "wb") as dst:
        copied = 0
        while chunk := src.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                dst.close()
                tmp.unlink(missing_ok=True)
                raise OSError(27, "压缩包中的文件过大")
            dst.write(chunk)
    tmp.replace(target)
