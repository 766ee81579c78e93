"""A preview of the checklist while files are still arriving: names and sizes only, no content read.

It runs the engine's own layout analysis and classification (checks.package.layout) on the relative paths
of what has been uploaded so far, with each file's kind *guessed from its extension*. That guess is
what makes it a preview: the real check (checks.engine) sniffs every file's content, so a
mislabelled, empty or broken file can still fail there although it ticks an item here.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from checks.package.items import classify
from checks.package.layout import analyse_layout
from checks.rules import load_rules
from checks.sniff import KIND_EXTENSIONS
from checks.sources import is_noise

PREVIEW_NOTE = "以上为按文件名预估的结果；点击“开始检查”后会逐个读取文件内容，按通知要求完整检查。"


def kind_from_name(name: str) -> str:
    """The content kind an extension usually means (the first kind listing it), or 'unknown'."""
    ext = PurePosixPath(name).suffix.lower()
    return next((k for k, exts in KIND_EXTENSIONS.items() if ext in exts), "unknown") if ext else "unknown"


def _origin(paths: list[str], expand_archive: bool) -> str:
    """What checks.sources.open_submission would call the upload root's top-level entries."""
    split = [p.split("/") for p in paths]
    if len({s[0] for s in split}) == 1 and all(len(s) > 1 for s in split):
        return "folder"
    if len(paths) == 1 and expand_archive and kind_from_name(paths[0]) in ("zip", "rar"):
        return "archive"
    return "files"


def preview_items(project: str | None, rel_paths: list[str], sizes: Mapping[str, int] | None = None) -> dict:
    """The checklist the engine would fill from these files, judged by names (and sizes) only.

    rel_paths are relative to the upload root (as the engine sees the root's entries); sizes, when
    given, mark 0-byte files and break ties the way the engine does (the bigger video wins).
    Returns {preview, note, origin, archive, project, project_source, level1, level2, level3,
    files, items: [{key, name, required, files}], unplaced}. A single RAR/ZIP cannot be previewed
    (its members are read at check time): `archive` names it and every item stays empty.
    """
    rules = load_rules()
    if project is not None and project not in rules["projects"]:
        raise ValueError(f"未知的项目类型：{project}")
    sizes = sizes or {}
    paths = sorted({p.replace("\\", "/").strip("/") for p in rel_paths} - {""})
    paths = [p for p in paths if not is_noise(p)]
    upload_type = project is not None and rules["projects"][project]["submission"] == "upload"
    origin = _origin(paths, expand_archive=not upload_type) if paths else "files"
    out = {"preview": True, "note": PREVIEW_NOTE, "origin": origin, "archive": None, "project": project,
           "project_source": "selected" if project else None, "level1": None, "level2": None, "level3": None,
           "files": len(paths), "items": [], "unplaced": []}

    if origin == "archive":
        out["archive"] = paths[0]
        inner: dict[str, str] = {}
    elif origin == "folder" and not upload_type:
        # The same call as the engine's; its findings are the real check's business, not the preview's.
        lay = analyse_layout(paths, rules, project, origin, paths[0].split("/")[0], None)
        out.update(level1=lay.level1, level2=lay.level2, level3=lay.level3)
        if project is None and lay.project:
            out["project"], out["project_source"] = lay.project, "folder"
        inner = lay.inner
    elif origin == "folder":
        inner = {p: p.split("/", 1)[-1] for p in paths}
    else:
        inner = {p: p for p in paths}
    out["unplaced"] = [p for p in paths if p not in inner] if origin != "archive" else []

    proj = rules["projects"][out["project"]] if out["project"] else None
    if proj is None:
        return out
    files = [(inner[p], "empty" if sizes.get(p) == 0 else kind_from_name(p), sizes.get(p, 0)) for p in inner]
    assigned = classify(files, proj["items"], rules)
    for it in proj["items"]:
        out["items"].append({"key": it["key"], "name": it["name"], "required": bool(it.get("required")),
                             "files": [p for p in inner if assigned.get(inner[p]) == it["key"]]})
    return out
