"""Import a folder of submitted packages (the district FTP dump): one works row per package.

Each package (a level-1 folder, a ZIP or a RAR; for 职业教育专项 a folder of loose files) goes
through the compliance engine (checks.check_paths) for 初审, its files are hashed and its document
text sketched, and the row is keyed by level-1 folder + project + title so that importing the same
dump again changes nothing. Sub-folders that are not packages (e.g. one per district) are walked
one level down and their name is taken as the district.

Authors/school/学段 come from the level-1 folder name 学段+学校+教师姓名, or from an optional
metadata CSV (columns: folder, project, subtype, stage, school, district, authors, title — Chinese
headers 一级文件夹, 项目, 子类型, 学段, 学校, 区县, 作者, 作品名称 also work; authors separated by ;、,).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Callable

from scoring import audit, contest, eligibility
from scoring import db as _db
from scoring.permissions import Actor, require_admin
from scoring.recusal import norm
from scoring.works import upsert_work

Progress = Callable[[int, int, str], None]

FULL_HASH_LIMIT = 16 * 1024 * 1024   # bigger files: hash size + first and last 4 MiB (bounded I/O)
SAMPLE = 4 * 1024 * 1024
TEXT_KINDS = ("docx", "pdf", "doc", "wps", "rtf", "word_html", "word_xml")
TEXT_MAX_BYTES = 50 * 1024 * 1024
NO_TEXT_ITEMS = {"summary_sheet", "registration_form", "info_form"}

_CSV_ALIASES = {
    "folder": ("folder", "一级文件夹", "文件夹", "作品包"),
    "project": ("project", "项目", "项目类别"),
    "subtype": ("subtype", "子类型", "案例类型"),
    "stage": ("stage", "学段"),
    "school": ("school", "学校", "单位", "学校名称"),
    "district": ("district", "区县", "地区"),
    "authors": ("authors", "作者", "教师姓名", "姓名"),
    "title": ("title", "作品名称", "名称"),
}
_SUBTYPE_HINTS = (("区域", "regional"), ("工作室", "studio"), ("名师", "studio"), ("校本", "school"))


def split_school_teacher(rest: str) -> tuple[str, list[str]]:
    """Split 学校+教师姓名 where no package layout was read (a metadata row, a bare folder name)."""
    from checks.package.naming import split_school_authors
    return split_school_authors(norm(rest.replace("+", " ").replace("＋", " ")))


def read_metadata_csv(path) -> dict[str, dict]:
    """Metadata rows keyed by normalised level-1 folder name."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip(): f for f in reader.fieldnames or []}
        col = {k: next((fields[a] for a in aliases if a in fields), None) for k, aliases in _CSV_ALIASES.items()}
        out = {}
        for row in reader:
            rec = {k: (row.get(c) or "").strip() for k, c in col.items() if c}
            if rec.get("folder"):
                if rec.get("authors"):
                    rec["authors"] = [a for a in re.split(r"[、,，;；]+", rec["authors"]) if a.strip()]
                out[norm(rec["folder"])] = rec
    return out


def _is_archive(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(b"PK\x03\x04") or head.startswith(b"Rar!\x1a\x07")


def _looks_like_package(d: Path, meta: dict) -> bool:
    if norm(d.name) in meta:
        return True
    if any(norm(d.name).startswith(s) for s in contest.stages()):
        return True
    folders = {p.get("folder") for p in contest.projects().values()}
    try:
        children = list(d.iterdir())
    except OSError:
        return False
    return any(c.is_dir() and c.name in folders for c in children) or any(
        c.is_file() and not c.name.startswith(".") for c in children)


def discover(path: str | os.PathLike, meta: dict | None = None) -> list[tuple[Path, str | None]]:
    """(package path, district or None) for every package under `path` (or `path` itself)."""
    path, meta = Path(path), meta or {}
    if path.is_file():
        return [(path, None)] if _is_archive(path) else []
    if norm(path.name) in meta or any(norm(path.name).startswith(st) for st in contest.stages()):
        return [(path, None)]     # the path is itself a level-1 folder
    found = []
    for child in sorted(path.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_file() and _is_archive(child):
            found.append((child, None))
        elif child.is_dir():
            if _looks_like_package(child, meta):
                found.append((child, None))
            else:   # a district folder holding packages
                for sub in sorted(child.iterdir(), key=lambda p: p.name):
                    if sub.name.startswith("."):
                        continue
                    if (sub.is_file() and _is_archive(sub)) or (sub.is_dir() and _looks_like_package(sub, meta)):
                        found.append((sub, child.name))
    if not found and any(c.is_file() and not c.name.startswith(".") for c in path.iterdir()):
        found.append((path, None))   # a single folder of loose files (职业教育专项)
    return found


def _hash_stream(f, size: int) -> str:
    h = hashlib.sha256()
    if size <= FULL_HASH_LIMIT:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    else:
        h.update(f"sampled:{size}:".encode())
        h.update(f.read(SAMPLE))
        f.seek(max(0, size - SAMPLE))
        h.update(f.read(SAMPLE))
    return h.hexdigest()


def _files_and_text(pkg: Path, report, upload: bool) -> tuple[list[dict], str]:
    """Hash every file of the package and gather its document text (bounded, never raising)."""
    from checks.documents.text import comparable, extract_text
    from checks.sources import open_submission
    info = {fi.path: fi for fi in report.files}
    files, texts = [], []
    with open_submission([pkg], expand_archive=not upload) as sub:
        for e in sub.entries:
            fi = info.get(e.path)
            kind, item = (fi.kind, fi.item) if fi else (None, None)
            sha = None
            try:
                with e.open() as f:
                    sha = _hash_stream(f, e.size)
                if kind in TEXT_KINDS and item not in NO_TEXT_ITEMS and 0 < e.size <= TEXT_MAX_BYTES:
                    with e.open() as f:
                        texts.append(extract_text(f, kind))
            except Exception:   # an unreadable member is already a 初审 finding; keep importing
                pass
            files.append({"path": e.path, "kind": kind, "size": e.size, "sha256": sha, "item": item})
    return files, comparable("\n".join(t for t in texts if t))


def _infer_subtype(project: str | None, *texts: str) -> str | None:
    if project != "training_case":
        return None
    joined = "".join(t or "" for t in texts)
    return next((key for hint, key in _SUBTYPE_HINTS if hint in joined), None)


def _record(pkg: Path, district: str | None, report, meta: dict) -> dict:
    pk = report.package or {}
    folder = pk.get("level1") or (pkg.stem if pkg.is_file() else pkg.name)
    m = meta.get(norm(folder)) or meta.get(norm(pkg.stem if pkg.is_file() else pkg.name)) or {}
    stage = m.get("stage") or pk.get("stage")
    rest = pk.get("school_and_name")
    if rest is None:
        rest = folder
        for s in sorted(contest.stages(), key=len, reverse=True):
            if norm(folder).startswith(s):
                stage, rest = stage or s, norm(folder)[len(s):]
                break
    if pk.get("authors"):                 # the engine read 学段+学校+教师姓名 (any separator)
        school, authors = pk.get("school") or "", list(pk["authors"])
    else:
        school, authors = split_school_teacher(rest or "")
    if m.get("school"):
        school = m["school"]
        if not m.get("authors") and rest and norm(rest).startswith(norm(school)):
            authors = [a for a in re.split(r"[、,，;；\s]+", norm(rest)[len(norm(school)):]) if a]
    title = m.get("title") or pk.get("title") or pk.get("level3") or folder
    project = m.get("project") or report.project
    return {
        "project": project, "stage": stage, "school": school, "district": m.get("district") or district or "",
        "title": title, "authors": m.get("authors") or authors, "folder_name": folder,
        "subtype": m.get("subtype") or _infer_subtype(project, title, pk.get("level2") or ""),
        "source_path": str(pkg.resolve()),
    }


def _flagged(eligibility_json: str) -> bool:
    """Eligibility findings that need a person (not the admin's own decisions)."""
    return any(f.get("level") in ("error", "warning") for f in json.loads(eligibility_json or "[]"))


def import_dump(actor: Actor, path: str | os.PathLike, *, metadata_csv=None, awarded_csv=None,
                progress: Progress | None = None, db=None) -> dict:
    """Admin: import every package under `path`. Returns a summary dict:
    {packages, new, unchanged, updated, locked, precheck_failed, excluded, flagged, errors: [..],
    works: [ids], totals: {works, precheck_failed, excluded, flagged}}: every count but `totals` is of
    this batch only (excluded / flagged: its works excluded / with eligibility findings after the
    eligibility pass); `totals` is the whole database.
    `progress(done, total, message)` is called once per package (message in Chinese)."""
    require_admin(actor)
    from checks import check_paths
    meta = read_metadata_csv(metadata_csv) if metadata_csv else {}
    awarded = eligibility.read_awarded_csv(awarded_csv) if awarded_csv else None
    packages = discover(path, meta)
    summary = {"packages": len(packages), "new": 0, "unchanged": 0, "updated": 0, "locked": 0,
               "precheck_failed": 0, "excluded": 0, "flagged": 0, "errors": [], "works": [], "totals": {}}
    uploads = {k for k, p in contest.projects().items() if p.get("submission") == "upload"}
    for i, (pkg, district) in enumerate(packages):
        if progress:
            progress(i, len(packages), f"正在初审：{pkg.name}")
        m = meta.get(norm(pkg.stem if pkg.is_file() else pkg.name), {})
        project_hint = m.get("project") or None
        if project_hint and project_hint not in contest.projects():
            project_hint = next((k for k, p in contest.projects().items()
                                 if project_hint in (p.get("name"), p.get("folder"))), None)
            m["project"] = project_hint
        try:
            report = check_paths([pkg], project=project_hint, subtype=m.get("subtype") or None)
            rec = _record(pkg, district, report, meta)
            files, text = _files_and_text(pkg, report, rec["project"] in uploads)
        except Exception as exc:   # the engine promises findings, not raises; never stop the batch
            summary["errors"].append(f"{pkg.name}：初审程序出错（{type(exc).__name__}: {exc}）")
            continue
        sk = eligibility.sketch(text)
        rec.update(precheck_status=report.verdict,
                   precheck_report=json.dumps(report.to_dict(), ensure_ascii=False),
                   text_sketch=json.dumps(sk) if sk else None)
        if rec["project"] is None:
            rec["precheck_status"] = "fail"
        wid, action = _db.write(lambda cur: upsert_work(cur, rec, files), db)
        summary[action] += 1
        summary["works"].append(wid)
        summary["precheck_failed"] += rec["precheck_status"] != "pass"
        if action == "locked":
            summary["errors"].append(f"{pkg.name}：作品已开始评审，内容变化未导入（作品 {wid}）")
    if awarded is not None:
        from scoring.settings import update_settings
        update_settings(actor, {"awarded_titles": awarded}, db=db)
    batch = sorted(set(summary["works"]))

    def finish(cur):
        eligibility.refresh(cur)
        # This batch's counts after the eligibility pass; the database totals apart.
        mine = _db.rows(cur, "SELECT excluded, eligibility FROM works WHERE id IN (SELECT unnest(?::INTEGER[]))",
                        [batch])
        summary["excluded"] = sum(1 for w in mine if w["excluded"])
        summary["flagged"] = sum(1 for w in mine if _flagged(w["eligibility"]))
        summary["totals"] = _db.rows(cur, """
            SELECT count(*) AS works, count(*) FILTER (WHERE precheck_status <> 'pass') AS precheck_failed,
                   count(*) FILTER (WHERE excluded) AS excluded,
                   count(*) FILTER (WHERE eligibility LIKE '%"level": "error"%'
                                       OR eligibility LIKE '%"level": "warning"%') AS flagged
            FROM works""")[0]
        audit.record(cur, actor, "import", str(Path(path).name), None,
                     {k: summary[k] for k in ("packages", "new", "unchanged", "updated", "locked",
                                              "precheck_failed", "excluded", "flagged")}
                     | {"errors": len(summary["errors"])})
    _db.write(finish, db)
    if progress:
        progress(len(packages), len(packages), "导入完成")
    return summary
