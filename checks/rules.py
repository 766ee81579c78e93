"""Load and validate data/rules/contest.yaml: the contest's rules as data.

`load_rules()` is what everything else calls; it is cached, and a mistake in the file raises
RulesError naming the file and line, so the app refuses to start on a broken rules file instead
of judging works wrongly.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from checks.errors import RulesError
from checks.yaml_lines import LineDict, LineList, Validator

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "rules" / "contest.yaml"
LEVEL_VALUES = ("error", "warning", "info")
RULE_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")

_VIDEO_SPEC_KEYS = {
    "container": str, "codec": str, "min_bitrate_kbps": (int, float), "bitrate_tolerance": (int, float),
    "min_width": int, "min_height": int, "scan_type": str, "fps": (int, float), "fps_tolerance": (int, float),
    "audio_codec": str, "audio_sample_rate": int, "audio_bitrate_kbps": (int, float),
    "audio_bitrate_tolerance": (int, float), "max_size_mb": (int, float), "duration_tolerance_s": (int, float),
}
_PROJECT_REQUIRED = {"name": str, "group": str, "submission": str, "max_authors": int,
                     "stages": list, "items": list}
_PROJECT_OPTIONAL = {"folder": str, "subtypes": dict, "max_total_bytes": int, "max_total_level": str,
                     "one_per_first_author": bool, "form": str, "form_fields": list}
_ITEM_REQUIRED = {"key": str, "name": str, "accepts": list, "format_text": str, "keywords": list,
                  "required": bool}
_ITEM_OPTIONAL = {"multiple": bool, "rest": bool, "no_archive": bool, "video": dict, "doc": dict,
                  "pdf": dict, "max_total_bytes": int, "max_total_level": str, "note": str, "recognise": dict}
_RECOGNISE = {"kinds": list, "scan": bool, "title_words": list, "duration": bool}
_VIDEO_ITEM = {"spec_level": str, "min_duration_s": (int, float), "max_duration_s": (int, float),
               "total_max_duration_s": (int, float)}
_DOC_ITEM = {"sections": list, "sections_level": str, "max_words": int}


def rules_path() -> Path:
    return Path(os.environ.get("CONTEST_RULES", RULES_PATH))


# Bump when validation changes, so a cache written by older code is not trusted.
_SCHEMA_VERSION = "4"


def _cache_file(text: bytes) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "contest-checks"
    digest = hashlib.sha256(_SCHEMA_VERSION.encode() + b"\0" + text).hexdigest()[:24]
    return base / f"rules-{digest}.json"


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> dict[str, Any]:
    """Validate the YAML once per content; later starts read the validated result as JSON.

    Parsing and validating the YAML costs tens of milliseconds, which is most of the batch
    command's start-up; a content-addressed JSON copy costs about one.
    """
    raw = Path(path).read_bytes()
    cache = _cache_file(raw)
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    from checks.yaml_lines import load_yaml_with_lines
    data = load_yaml_with_lines(path)
    validate_rules(data, path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass          # a read-only home only costs speed
    return json.loads(json.dumps(data))   # plain dicts, same shape as from the cache


def load_rules(path: str | Path | None = None) -> dict[str, Any]:
    """The validated rules. Re-read when the file changes (admins edit it between contests)."""
    p = Path(path) if path else rules_path()
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise RulesError(f"{p}: 规则文件不存在或无法读取") from exc
    return _load_cached(str(p), mtime)


def validate_rules(data: Any, path: str | Path) -> None:
    v = Validator(path)
    top_line = getattr(data, "line", 1)
    if not v.mapping(data, top_line, "文件顶层",
                     {"contest": str, "kind_groups": dict, "stages": list, "video_spec": dict,
                      "form_fields": dict, "projects": dict},
                     {"rule_ids": dict, "stage_aliases": dict, "recognition": dict, "sections": dict}):
        v.raise_if_any()
    groups = data.get("kind_groups", {})
    for name, kinds in groups.items():
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            v.error(groups.line_of(name), f"kind_groups.{name}", "应为格式名称列表")
    vs = data.get("video_spec")
    if isinstance(vs, dict):
        v.mapping(vs, vs.line, "video_spec", _VIDEO_SPEC_KEYS)
    ff = data.get("form_fields")
    if isinstance(ff, dict):
        v.mapping(ff, ff.line, "form_fields", {"max_chars": int, "names": list})
    rec = data.get("recognition")
    if isinstance(rec, dict):
        v.mapping(rec, rec.line, "recognition", {}, {"resource_markers": list, "other_documents": list})
    ids = data.get("rule_ids") or {}
    for rid, entry in ids.items():
        if not RULE_ID.fullmatch(str(rid)):
            v.error(ids.line_of(rid), f"rule_ids.{rid}", "规则编号应形如 video.fps（小写字母、数字、下划线，用一个点分隔）")
        v.mapping(entry, ids.line_of(rid), f"rule_ids.{rid}", {"title": str, "checks": str})
    projects = data.get("projects") or {}
    folders: dict[str, str] = {}
    for key, proj in projects.items():
        where = f"projects.{key}"
        line = projects.line_of(key) if isinstance(projects, LineDict) else 0
        if not v.mapping(proj, line, where, _PROJECT_REQUIRED, _PROJECT_OPTIONAL):
            continue
        if proj.get("submission") not in ("package", "upload"):
            v.error(proj.line_of("submission"), where, "submission 只能是 package 或 upload")
        if proj.get("submission") == "package":
            if "folder" not in proj:
                v.error(proj.line, where, "package 类项目必须给出二级文件夹名 folder")
            elif proj["folder"] in folders:
                v.error(proj.line_of("folder"), where, f"二级文件夹名与 {folders[proj['folder']]} 重复")
            else:
                folders[proj["folder"]] = key
        _check_level(v, proj, "max_total_level", where)
        for sk, sub in (proj.get("subtypes") or {}).items():
            if v.mapping(sub, proj.line_of("subtypes"), f"{where}.subtypes.{sk}", {"name": str, "recusal": str}):
                if sub.get("recusal") not in ("school", "district"):
                    v.error(sub.line, f"{where}.subtypes.{sk}", "recusal 只能是 school 或 district")
        fields = proj.get("form_fields")
        if isinstance(fields, list) and (not fields or not all(isinstance(f, str) and f for f in fields)
                                         or len(set(fields)) != len(fields)):
            v.error(proj.line_of("form_fields"), where, "form_fields 应为不重复的登记表栏目名称列表")
        items = proj.get("items")
        if isinstance(items, list):
            _validate_items(v, items, where, groups)
    if isinstance(data.get("sections"), dict):
        _validate_sections(v, data["sections"], projects)
    v.raise_if_any()


_SECTION_KEYS = {"aliases": list, "parts": list, "labels": list, "min_labels": int}


def _validate_sections(v: Validator, catalogue: LineDict, projects: dict) -> None:
    """The section catalogue: every entry names a section some item requires, every word is text."""
    required = {str(s) for proj in projects.values() if isinstance(proj, dict)
                for it in (proj.get("items") or []) if isinstance(it, dict)
                for s in ((it.get("doc") or {}).get("sections") or []) if isinstance(it.get("doc"), dict)}
    for name, entry in catalogue.items():
        where = f"sections.{name}"
        line = catalogue.line_of(name)
        if not v.mapping(entry, line, where, {}, _SECTION_KEYS):
            continue
        if str(name) not in required:
            v.error(line, where, f"{name!r} 不是任何一项 doc.sections 里的名称（写错了吗？）")
        for key in ("aliases", "labels"):
            words = entry.get(key)
            if isinstance(words, list) and not all(isinstance(w, str) and w.strip() for w in words):
                v.error(entry.line_of(key), f"{where}.{key}", "应为非空文字的列表")
        parts = entry.get("parts")
        if isinstance(parts, list) and not (parts and all(
                isinstance(g, list) and g and all(isinstance(w, str) and w.strip() for w in g) for g in parts)):
            v.error(entry.line_of("parts"), f"{where}.parts", "应为若干组词，每组是非空文字的列表，如 [[过程], [举措, 做法]]")
        if "min_labels" in entry:
            labels = entry.get("labels")
            n = entry["min_labels"]
            if not isinstance(labels, list):
                v.error(entry.line_of("min_labels"), where, "给出 min_labels 时必须同时给出 labels")
            elif isinstance(n, int) and not 1 <= n <= len(labels):
                v.error(entry.line_of("min_labels"), where, f"min_labels 应在 1 到 {len(labels)} 之间")


def _validate_items(v: Validator, items: LineList, where: str, groups: dict) -> None:
    seen: set[str] = set()
    rest_count = 0
    for i, item in enumerate(items):
        iw = f"{where}.items[{i}]"
        if not v.mapping(item, items.line_of(i), iw, _ITEM_REQUIRED, _ITEM_OPTIONAL):
            continue
        if item.get("key") in seen:
            v.error(item.line_of("key"), iw, f"项目内 key {item['key']!r} 重复")
        seen.add(item.get("key"))
        for g in item.get("accepts", []):
            if g != "any" and g not in groups:
                v.error(item.line_of("accepts"), iw, f"accepts 里的 {g!r} 不是 kind_groups 中的分组（或 any）")
        rest_count += bool(item.get("rest"))
        if isinstance(item.get("video"), dict):
            v.mapping(item["video"], item.line_of("video"), f"{iw}.video", {"spec_level": str}, _VIDEO_ITEM)
            _check_level(v, item["video"], "spec_level", f"{iw}.video")
        if isinstance(item.get("doc"), dict):
            v.mapping(item["doc"], item.line_of("doc"), f"{iw}.doc", {}, _DOC_ITEM)
            _check_level(v, item["doc"], "sections_level", f"{iw}.doc")
        if isinstance(item.get("recognise"), dict):
            rec = item["recognise"]
            v.mapping(rec, item.line_of("recognise"), f"{iw}.recognise", {}, _RECOGNISE)
            for g in rec.get("kinds") or []:
                if g not in groups:
                    v.error(item.line_of("recognise"), iw, f"recognise.kinds 里的 {g!r} 不是 kind_groups 中的分组")
        if isinstance(item.get("pdf"), dict):
            v.mapping(item["pdf"], item.line_of("pdf"), f"{iw}.pdf", {}, {"scanned": bool})
        _check_level(v, item, "max_total_level", iw)
    if rest_count > 1:
        v.error(items.line, where, "最多只能有一项 rest: true（收纳其余文件的那一项）")


def _check_level(v: Validator, d: dict, key: str, where: str) -> None:
    if key in d and d[key] not in LEVEL_VALUES:
        v.error(d.line_of(key) if isinstance(d, LineDict) else 0, where,
                f"{key} 只能是 error、warning 或 info")


# Convenience selectors over the validated rules -------------------------------------------

def project_keys(rules: dict | None = None) -> list[str]:
    return list((rules or load_rules())["projects"])


def project(key: str, rules: dict | None = None) -> dict:
    rules = rules or load_rules()
    try:
        return rules["projects"][key]
    except KeyError:
        raise KeyError(f"未知的项目类型 {key!r}（可用：{', '.join(rules['projects'])}）") from None


def project_by_folder(folder_name: str, rules: dict | None = None) -> str | None:
    rules = rules or load_rules()
    for key, proj in rules["projects"].items():
        if proj.get("folder") == folder_name:
            return key
    return None


def kinds_of(groups: list[str], rules: dict | None = None) -> set[str] | None:
    """Expand an item's `accepts` into content kinds; None means any kind."""
    rules = rules or load_rules()
    if "any" in groups:
        return None
    out: set[str] = set()
    for g in groups:
        out.update(rules["kind_groups"][g])
    return out


def rule_title(rule_id: str, rules: dict | None = None) -> str:
    """The Chinese title of a rule id for people ("视频帧率" for video.fps); the id itself if unknown."""
    entry = ((rules or load_rules()).get("rule_ids") or {}).get(rule_id)
    return entry["title"] if entry else rule_id


def rule_table(rules: dict | None = None) -> list[dict[str, str]]:
    """Every rule id with its title and what it checks, in the order of the rules file."""
    ids = (rules or load_rules()).get("rule_ids") or {}
    return [{"id": rid, "title": e["title"], "checks": e["checks"]} for rid, e in ids.items()]
