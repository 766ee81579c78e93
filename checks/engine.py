"""The check of one submission: sources → sniff → layout → inspectors (facts) → recognition of each
file's item from that evidence → judges per file → judges per item.

Whatever a file does, the result is findings, never an exception: one broken file must not hide
the verdict on the others, and a batch goes on to the next submission.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from checks.archives import open_archive
from checks.errors import Unreadable
from checks.findings import ERROR, INFO, WARNING, FileInfo, Finding, ItemStatus, Report
from checks.package.items import FileFacts, recognise
from checks.package.layout import analyse_layout
from checks.rules import kinds_of, load_rules
from checks.sniff import KIND_EXTENSIONS, KIND_LABELS_ZH, extension_mismatch, sniff_stream
from checks.sources import Entry, open_submission

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]

# Facts too big to carry into the report (the UI shows counts, not whole documents).
_BULKY_FACTS = ("text", "paragraphs")
_NO_PROJECT_VIDEO_ITEM = {"key": "video", "name": "视频", "video": {"spec_level": "warning"}}


def check_paths(paths: list[str | Path], project: str | None = None, subtype: str | None = None,
                progress: Progress | None = None, browser_media: bool = False) -> Report:
    rules = load_rules()
    if project is not None and project not in rules["projects"]:
        raise ValueError(f"未知的项目类型：{project}（可用：{', '.join(rules['projects'])}）")
    upload_type = project is not None and rules["projects"][project]["submission"] == "upload"
    with open_submission(paths, expand_archive=not upload_type, browser_media=browser_media) as sub:
        return _check_submission(sub, rules, project, subtype, progress, upload_type)


def _check_submission(sub, rules, project, subtype, progress, upload_type) -> Report:
    report = Report(project=project)
    report.extend(sub.findings)
    kinds = {e.path: _sniff(e, report) for e in sub.entries}

    inner: dict[str, str]
    if sub.origin in ("folder", "archive") and not upload_type:
        lay = analyse_layout([e.path for e in sub.entries], rules, project, sub.origin, sub.origin_name,
                             sub.origin_kind)
        report.extend(lay.findings)
        report.package = lay.to_dict()
        project = project or lay.project
        report.project = project
        inner = lay.inner
    elif sub.origin == "folder":
        inner = {e.path: e.path.split("/", 1)[-1] for e in sub.entries}
    else:
        inner = {e.path: e.path for e in sub.entries}
    if project is None:
        report.add(Finding("package.project", INFO,
                           "未能确定参赛项目：只检查了文件本身。选择参赛项目（或上传完整的一级文件夹）可检查全部规则。"))
    elif subtype and subtype not in (rules["projects"][project].get("subtypes") or {}):
        report.add(Finding("package.project", WARNING, f"“{subtype}”不是该项目的案例类型，已忽略。"))

    proj = rules["projects"][project] if project else None
    items = proj["items"] if proj else []
    by_key = {it["key"]: it for it in items}
    sizes = {e.path: e.size for e in sub.entries}
    if sub.ignored:
        shown = "、".join(p.rstrip("/").rsplit("/", 1)[-1] for p in sub.ignored[:5]) + ("等" if len(sub.ignored) > 5 else "")
        report.add(Finding("file.ignored", INFO, f"已忽略 {len(sub.ignored)} 个系统或 Office 临时文件（{shown}），它们不属于作品。",
                           actual=shown, fix="提交前可删除这些文件；不删除也不影响检查。"))

    # Every file is read first: what it is decides which item it is.
    total = len(sub.entries)
    inspected: dict[str, tuple[dict | None, list[Finding]]] = {}
    for n, entry in enumerate(sub.entries, 1):
        if progress:
            progress(n - 1, total, entry.path)
        inspected[entry.path] = _inspect_file(entry, kinds[entry.path], rules)
    if progress:
        progress(total, total, "")

    rec = None
    item_of: dict[str, str] = {}
    if proj:
        # Recognise on the path inside the title folder: folder names above it say nothing about a file.
        rec = recognise([FileFacts(inner[p], kinds[p], sizes[p], inspected[p][0]) for p in inner], items, rules,
                        section_ratio=_section_ratio)
        item_of = {p: rec.item_of[inner[p]] for p in inner if rec.item_of.get(inner[p])}

    media_by_item: dict[str, list[tuple[str, dict]]] = {}
    for entry in sub.entries:
        kind = kinds[entry.path]
        facts, found = inspected[entry.path]
        item = by_key.get(item_of.get(entry.path) or "")
        if facts is not None:
            found = found + _judge_file(entry, kind, facts, item, rules, project is None, upload_type)
        elif item is not None:
            found = found + _archive_rule(entry, kind, item, rules, upload_type)
        if entry.browser is not None and not entry.browser.error:
            found = found + [Finding("video.browser_check", INFO, "该视频在本机分析，未上传", path=entry.path)]
        for f in found:
            f.item = f.item or _key(item)
        report.extend(found)
        why = rec.why.get(inner.get(entry.path, "")) if rec and entry.path in inner else None
        report.files.append(FileInfo(entry.path, kind, entry.size, item=item["key"] if item else None,
                                     facts=_slim(facts), why=why))
        if facts and item and kind in rules["kind_groups"]["video"]:
            media_by_item.setdefault(item["key"], []).append((entry.path, facts))

    if proj:
        outer = {v: k for k, v in inner.items()}
        near = {key: (outer.get(path, path), why) for key, (path, why) in rec.near.items()}
        wrong = {outer.get(p, p) for p in rec.wrong_format}
        _judge_items(report, proj, items, item_of, kinds, sizes, media_by_item, rules, upload_type, near, wrong)
        if proj.get("max_total_bytes"):
            _judge_total_size(report, proj, sum(sizes.values()), proj.get("name"), None)
    return report


def _section_ratio(facts: dict, kind: str, sections: list[str]) -> tuple[float, list[str]]:
    """Share of an item's required sections this document has (evidence for recognition)."""
    from checks.documents.sections import match_sections
    m = match_sections(facts, kind, sections, load_rules().get("sections"))
    return (m.ratio if m.readable else 0.0), list(m.found)


def _slim(facts: dict | None) -> dict | None:
    return {k: v for k, v in facts.items() if k not in _BULKY_FACTS} if facts else None


def _sniff(entry: Entry, report: Report) -> str:
    if entry.browser is not None:        # the browser sniffed it; the record says what it found
        if entry.browser.error:
            report.add(Finding("file.readable", ERROR, entry.browser.error, path=entry.path,
                               expected="浏览器对视频的有效分析结果", actual="无效的分析结果"))
            return "unreadable"
        return entry.browser.kind
    if entry.size == 0:
        return "empty"
    try:
        with entry.open() as f:
            return sniff_stream(f, name=entry.path.rsplit("/", 1)[-1])
    except Unreadable as exc:
        report.add(Finding(exc.rule, ERROR, exc.message, path=entry.path))
    except Exception as exc:  # a hostile member must not stop the batch
        log.warning("sniff failed for %s: %r", entry.path, exc)
        report.add(Finding("file.readable", ERROR, "无法读取此文件，可能已损坏。", path=entry.path,
                           actual=type(exc).__name__))
    return "unreadable"


def _inspect_file(entry: Entry, kind: str, rules: dict) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Facts of one file and the findings that do not depend on which item it is."""
    groups = rules["kind_groups"]
    out: list[Finding] = []
    if kind == "empty":
        out.append(Finding("file.empty", ERROR, "文件大小为 0 字节，内容为空（可能复制或上传时中断）。",
                           path=entry.path, expected="非空文件", actual="0 字节",
                           fix="重新从原始位置复制或导出该文件。"))
        return None, out
    if kind == "unreadable":
        return None, out
    name = entry.path.rsplit("/", 1)[-1]
    claimed = _kind_claimed_by_name(name)
    if kind == "unknown" and claimed:
        out.append(Finding("file.readable", ERROR,
                           f"无法识别文件内容：扩展名表明是{KIND_LABELS_ZH.get(claimed, claimed)}，但内容不是，文件可能已损坏。",
                           path=entry.path, expected=KIND_LABELS_ZH.get(claimed, claimed), actual="无法识别的内容",
                           fix="从原始位置重新复制或重新导出该文件。"))
        return None, out
    if kind not in groups["video"] and kind not in groups["word"] + groups["legacy_word"]:
        expected_ext = extension_mismatch(name, kind)
        if expected_ext:
            out.append(Finding("file.readable", WARNING, f"文件扩展名与实际内容不符：内容是{KIND_LABELS_ZH.get(kind, kind)}。",
                               path=entry.path, expected=f".{expected_ext}", actual=name,
                               fix=f"确认文件是否正确；如内容无误，把扩展名改为 .{expected_ext}。"))
    try:
        facts = _inspect(entry, kind, groups, out)
    except Unreadable as exc:
        out.append(Finding(exc.rule, ERROR, exc.message, path=entry.path, actual=exc.detail))
        return None, out
    except Exception as exc:
        log.error("inspector failed on %s: %r", entry.path, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        out.append(Finding("file.readable", ERROR, "检查此文件时出错，文件可能已损坏或格式异常。",
                           path=entry.path, actual=type(exc).__name__))
        return None, out
    return (facts if facts is not None else {}), out


def _archive_rule(entry: Entry, kind: str, item: dict | None, rules: dict, upload_type: bool) -> list[Finding]:
    if (upload_type or (item and item.get("no_archive"))) and kind in rules["kind_groups"]["archive"]:
        return [Finding("package.archive", ERROR, "该项目的资源须逐个上传，不得以压缩包形式提交。",
                        path=entry.path, expected="逐个上传的单独文件", actual=KIND_LABELS_ZH.get(kind, kind),
                        item=_key(item), fix="解压后把各资源恰当命名，逐个上传。")]
    return []


def _judge_file(entry: Entry, kind: str, facts: dict, item: dict | None, rules: dict, no_project: bool,
                upload_type: bool) -> list[Finding]:
    out = _archive_rule(entry, kind, item, rules, upload_type)
    if not facts:
        return out
    try:
        out += _judge(facts, kind, item, rules["kind_groups"], rules, entry.path, no_project)
    except Exception as exc:
        log.error("judge failed on %s: %r", entry.path, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        out.append(Finding("file.readable", ERROR, "判定此文件时出错。", path=entry.path, actual=type(exc).__name__))
    return out


def _inspect(entry: Entry, kind: str, groups: dict, out: list[Finding]) -> dict | None:
    if entry.browser is not None:
        return entry.browser.facts()
    if kind in groups["video"] or kind in ("m4a", "mp3", "wav", "aac"):
        from checks.media.facts import from_stream
        with entry.open() as f:
            return from_stream(f)
    if kind == "docx":
        from checks.documents.docx import from_stream
        with entry.open() as f:
            return from_stream(f)
    if kind in groups["legacy_word"]:
        from checks.documents.legacy import from_stream
        with entry.open() as f:
            return from_stream(f, kind)
    if kind == "pdf":
        from checks.documents.pdf import from_stream
        with entry.open() as f:
            return from_stream(f)
    if kind in ("zip", "rar"):
        return _inspect_nested_archive(entry, kind, out)
    return None


def _inspect_nested_archive(entry: Entry, kind: str, out: list[Finding]) -> dict:
    """An archive inside the package (相关材料.zip): safety, encoding and listing, one level deep."""
    with entry.open() as f, open_archive(f, kind=kind, name=entry.path) as arc:
        for fnd in arc.findings:
            fnd.path = entry.path + (f"!/{fnd.path}" if fnd.path and fnd.path != entry.path else "")
            out.append(fnd)
        files = [m for m in arc.members if not m.is_dir]
        return {"members": len(files), "total_size": sum(m.size for m in files),
                "names": [m.path for m in files[:200]]}


def _judge(facts, kind, item, groups, rules, path, no_project) -> list[Finding]:
    if kind in groups["video"]:
        from checks.media import rules as media_rules
        spec_item = item if item and item.get("video") else (_NO_PROJECT_VIDEO_ITEM if no_project else None)
        if spec_item:
            return media_rules.judge_video(facts, spec_item, rules["video_spec"], path)
        # A video among free resources need not meet the spec, but a truncated copy is still broken.
        return [f for f in media_rules.judge_video(facts, _NO_PROJECT_VIDEO_ITEM, rules["video_spec"], path)
                if f.rule == "file.readable"]
    from checks.documents import rules as doc_rules
    out: list[Finding] = []
    if kind == "pdf" and item and (item.get("pdf") or {}).get("scanned"):
        out += doc_rules.judge_pdf_form(facts, item, path)
    doc_kinds = set(groups["word"]) | set(groups["legacy_word"]) | {"pdf"}
    if item and kind in doc_kinds and (item.get("doc") or _accepts_word(item)):
        out += doc_rules.judge_document(facts, kind, item, path)
    return out


def _accepts_word(item: dict) -> bool:
    return "word" in item["accepts"]


def _judge_items(report, proj, items, item_of, kinds, sizes, media_by_item, rules, upload_type,
                 near: dict[str, tuple[str, str]], wrong: set[str]) -> None:
    groups = rules["kind_groups"]
    doc_kinds = set(groups["word"]) | set(groups["legacy_word"]) | {"pdf"}
    for it in items:
        files = [p for p, k in item_of.items() if k == it["key"]]
        why = {f.path: f.why for f in report.files if f.path in files and f.why}
        report.items.append(ItemStatus(it["key"], it["name"], it["required"], it["format_text"], files, why))
        if not files:
            if it["required"]:
                cand = near.get(it["key"])
                message = f"缺少“{it['name']}”。"
                if cand:
                    message = f"未找到“{it['name']}”：《{cand[0].rsplit('/', 1)[-1]}》不像{it['name']}（{cand[1]}）。"
                report.add(Finding(
                    "package.required", ERROR, message, item=it["key"],
                    expected=f"{it['name']}（{it['format_text']}）", actual=f"未找到（最接近的是 {cand[0]}）" if cand else "未找到",
                    fix=f"补充{it['name']}；文件名中写明“{it['keywords'][0]}”便于识别。" if it["keywords"] else None))
            elif it.get("note"):
                report.add(Finding("package.required", WARNING, it["note"], item=it["key"],
                                   expected=f"{it['name']}（{it['format_text']}）", actual="未找到"))
            continue
        accepted = kinds_of(it["accepts"], rules)
        for p in files:
            kind = kinds[p]
            if accepted is None or kind in accepted or kind in ("empty", "unreadable"):
                continue
            if kind in groups["video"] and it.get("video"):
                continue          # video.container says it better
            if kind in doc_kinds and "word" in it["accepts"]:
                continue          # doc.format says it better
            report.add(Finding(
                "package.required", ERROR, f"“{it['name']}”的文件格式不符合要求。", path=p, item=it["key"],
                expected=it["format_text"], actual=KIND_LABELS_ZH.get(kind, kind),
                fix=f"请提交{it['format_text']}。"))
        total_s = (it.get("video") or {}).get("total_max_duration_s")
        if total_s and media_by_item.get(it["key"]):
            from checks.media import rules as media_rules
            paths, facts = zip(*media_by_item[it["key"]])
            report.extend(media_rules.judge_total_duration(list(facts), it, list(paths), rules["video_spec"]))
        if it.get("max_total_bytes"):
            _judge_total_size(report, it, sum(sizes[p] for p in files), it["name"], it["key"])


def _judge_total_size(report: Report, spec: dict, total: int, what: str, item_key: str | None) -> None:
    limit = spec["max_total_bytes"]
    if total <= limit:
        return
    level = spec.get("max_total_level", ERROR)
    advice = "（通知为“建议”）" if level == WARNING else ""
    report.add(Finding(
        "package.size", level, f"“{what}”总大小超过 {limit / 1e6:.0f} MB{advice}。", item=item_key,
        expected=f"≤ {limit / 1e6:.0f} MB", actual=f"{total / 1e6:.1f} MB",
        fix="压缩视频码率或精简材料后再提交。"))


def _kind_claimed_by_name(name: str) -> str | None:
    ext = Path(name).suffix.lower()
    return next((k for k, exts in KIND_EXTENSIONS.items() if ext in exts), None) if ext else None


def _key(item: dict | None) -> str | None:
    return item["key"] if item else None
