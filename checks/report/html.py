"""Present a Report to a teacher: the shared view model, a standalone HTML file and an Excel file.

No rule logic here: every judgement comes from the findings the engine made. This module only
groups, orders and words them, so the web page and the downloaded files always say the same.
No streamlit import (the batch command may render reports too).
"""
from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from checks.findings import ERROR, INFO, WARNING, Finding, Report

LEVEL_ICON = {ERROR: "❌", WARNING: "⚠️", INFO: "ℹ️"}
LEVEL_ZH = {ERROR: "不符合", WARNING: "需留意", INFO: "提示"}
OK_ICON, OPTIONAL_ICON = "✅", "➖"
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
# A fix may hold a command line after Chinese text ("用下面的命令转换：ffmpeg -i …").
_CMD_START = re.compile(r"(?:(?<=^)|(?<=[\s：:]))(ffmpeg|ffprobe)\s")

Display = Callable[[str | None], str]


def _same(p: str | None) -> str:
    return p or ""


def project_name(key: str | None) -> str:
    if not key:
        return "未识别"
    try:
        from checks.rules import load_rules
        return load_rules()["projects"][key]["name"]
    except Exception:           # the name is cosmetic: never fail a report over it
        return key


def verdict(report: Report) -> tuple[bool, str]:
    """(passed, headline) — the one line a teacher reads first."""
    c = report.counts()
    if report.verdict == "pass":
        tail = f"，另有 {c[WARNING]} 项需留意" if c[WARNING] else "，未发现问题"
        return True, f"通过{tail}"
    warn = f"、{c[WARNING]} 项需留意" if c[WARNING] else ""
    return False, f"不通过：{c[ERROR]} 项不符合要求{warn}"


def split_fix(fix: str | None) -> tuple[str, list[str]]:
    """Split a fix into its Chinese advice and the command lines to show as copyable code."""
    if not fix:
        return "", []
    text_lines, commands = [], []
    for line in fix.splitlines():
        m = _CMD_START.search(line)
        if m:
            before = line[:m.start()].strip()
            if before:
                text_lines.append(before)
            commands.append(line[m.start():].strip())
        elif line.strip():
            text_lines.append(line.strip())
    return "\n".join(text_lines), commands


def worst(findings: list[Finding]) -> str | None:
    return min((f.level for f in findings), key=_ORDER.__getitem__, default=None)


OK, OPTIONAL = "ok", "optional"
STATUS_ICON = {ERROR: LEVEL_ICON[ERROR], WARNING: LEVEL_ICON[WARNING], OK: OK_ICON, OPTIONAL: OPTIONAL_ICON}


@dataclass
class ItemRow:
    status: str          # error / warning / ok / optional (not provided, not required)
    name: str
    formats: str
    required: bool
    files: list[str]
    findings: list[Finding] = field(default_factory=list)
    why: list[str] = field(default_factory=list)      # per file: how it was recognised

    @property
    def icon(self) -> str:
        return STATUS_ICON[self.status]

    @property
    def state(self) -> str:
        if not self.files:
            return "缺少" if self.required else "未提供（可选）"
        return {ERROR: "不符合要求", WARNING: "已提供，需留意"}.get(self.status, "已提供")


def item_rows(report: Report, display: Display = _same) -> list[ItemRow]:
    """One checklist row per item of the project, ticked by the files the engine classified."""
    rows = []
    for it in report.items:
        fs = [f for f in report.findings if f.item == it.key and f.level != INFO]
        w = worst(fs)
        if w == ERROR or (it.required and not it.files):
            status = ERROR
        elif not it.files:
            status = OPTIONAL
        else:
            status = WARNING if w == WARNING else OK
        rows.append(ItemRow(status, it.name, it.formats, it.required, [display(p) for p in it.files], fs,
                            [it.why.get(p, "") for p in it.files]))
    return rows


@dataclass
class FileGroup:
    path: str            # as the teacher knows it; "" for the package as a whole
    title: str
    status: str          # error / warning / ok
    findings: list[Finding]

    @property
    def icon(self) -> str:
        return STATUS_ICON[self.status]


def finding_groups(report: Report, display: Display = _same) -> list[FileGroup]:
    """Findings grouped per file (package-wide ones first, then the worst files first)."""
    groups: dict[str, list[Finding]] = {}
    for f in report.sorted_findings():
        groups.setdefault(display(f.path) if f.path else "", []).append(f)
    for fi in report.files:            # files without any finding still get their ✅ row
        groups.setdefault(display(fi.path), [])
    out = []
    for path, fs in groups.items():
        w = worst(fs)
        out.append(FileGroup(path, path or "整体（文件夹结构、命名、缺少的材料、总大小）",
                             w if w in (ERROR, WARNING) else OK, fs))
    rank = {ERROR: 0, WARNING: 1, OK: 2}
    out.sort(key=lambda g: (g.path != "", rank[g.status], g.path))
    return out


def _fmt_rate(v) -> str:
    try:
        return f"{float(v) / 1000:.0f} kb/s"
    except (TypeError, ValueError):
        return "—"


def _fmt_duration(s) -> str:
    try:
        s = float(s)
    except (TypeError, ValueError):
        return "—"
    m, sec = divmod(int(round(s)), 60)
    return f"{m}分{sec:02d}秒"


def _first(facts: dict, key: str) -> dict:
    v = facts.get(key)
    return v[0] if isinstance(v, list) and v and isinstance(v[0], dict) else {}


# Presentation only: MediaInfo's words for the scan type and frame-rate mode, as a teacher reads them.
SCAN_NAMES = {"progressive": "逐行", "interlaced": "隔行", "mbaff": "隔行", "paff": "隔行", "mixed": "逐行与隔行混合"}
FPS_MODES = {"cfr": "恒定帧率", "vfr": "可变帧率"}


def scan_name(value) -> str:
    return SCAN_NAMES.get(str(value or "").strip().lower(), str(value)) if value else "—"


def video_rows(report: Report, display: Display = _same) -> list[dict[str, str]]:
    """Key facts of each video, as the engine measured them (columns in Chinese)."""
    rows = []
    for fi in report.files:
        facts = fi.facts or {}
        v = _first(facts, "video")
        if not v:
            continue
        a = _first(facts, "audio")
        fps = v.get("frame_rate")
        mode = v.get("frame_rate_mode")
        rows.append({
            "文件": display(fi.path),
            "容器": str(facts.get("container") or "—"),
            "时长": _fmt_duration(facts.get("duration_s")),
            "视频编码": str(v.get("codec") or v.get("format") or "—"),
            "分辨率": f"{v.get('width', '?')}×{v.get('height', '?')}",
            "帧率": (f"{float(fps):g} 帧/秒" if _is_num(fps) else "—")
                    + (f"（{FPS_MODES.get(str(mode).lower(), mode)}）" if mode else ""),
            "视频码率": _fmt_rate(v.get("bit_rate")),
            "扫描": scan_name(v.get("scan_type")),
            "音频": (str(a.get("codec") or a.get("format") or "—") if a else "无音轨"),
            "采样率": (f"{int(a['sample_rate']) / 1000:g} kHz" if _is_num(a.get("sample_rate")) else "—"),
            "音频码率": _fmt_rate(a.get("bit_rate")) if a else "—",
            "大小": f"{fi.size / 1_000_000:.1f} MB",
        })
    return rows


def _is_num(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- standalone HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.6}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
.verdict{padding:.8em 1em;border-radius:6px;font-size:1.25em;font-weight:bold}
.pass{background:#e8f5e9;color:#1b5e20} .fail{background:#ffebee;color:#b71c1c}
table{border-collapse:collapse;width:100%;margin:.5em 0} th,td{border:1px solid #ddd;padding:.35em .5em;
vertical-align:top;text-align:left} th{background:#f5f5f5}
tr.error td{background:#fff5f5} tr.warning td{background:#fffbea}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.meta{color:#666;font-size:.9em} .rule{color:#888;font-size:.85em}
"""


def _e(s) -> str:
    return html.escape("" if s is None else str(s))


def _finding_cells(f: Finding) -> str:
    text, cmds = split_fix(f.fix)
    fix = _e(text).replace("\n", "<br>") + "".join(f"<pre>{_e(c)}</pre>" for c in cmds)
    return (f"<td>{LEVEL_ICON[f.level]} {LEVEL_ZH[f.level]}</td><td>{_e(f.message)}"
            f"<div class='rule'>{_e(f.rule)}</div></td><td>{_e(f.expected) or '—'}</td>"
            f"<td>{_e(f.actual) or '—'}</td><td>{fix or '—'}</td>")


def render_html(report: Report, display: Display = _same, title: str | None = None) -> str:
    """The whole report as one self-contained HTML page (inline CSS, no scripts, no links)."""
    passed, headline = verdict(report)
    name = project_name(report.project)
    title = title or f"作品自检报告 — {name}"
    out = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{_e(title)}</title>",
           f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>",
           f"<p class='meta'>项目类型：{_e(name)}　生成时间：{datetime.now():%Y-%m-%d %H:%M}</p>",
           f"<div class='verdict {'pass' if passed else 'fail'}'>{'✅' if passed else '❌'} {_e(headline)}</div>"]
    rows = item_rows(report, display)
    if rows:
        out.append("<h2>报送内容清单</h2><table><tr><th></th><th>材料</th><th>要求格式</th>"
                   "<th>状态</th><th>对应文件</th></tr>")
        for r in rows:
            req = "" if r.required else "（可选）"
            out.append(f"<tr><td>{r.icon}</td><td>{_e(r.name)}{req}</td><td>{_e(r.formats)}</td>"
                       f"<td>{_e(r.state)}</td><td>{_files_cell(r) or '—'}</td></tr>")
        out.append("</table>")
    out.append("<h2>逐项检查结果</h2>")
    for g in finding_groups(report, display):
        out.append(f"<h3>{g.icon} {_e(g.title)}</h3>")
        if not g.findings:
            out.append("<p>未发现问题。</p>")
            continue
        out.append("<table><tr><th>结论</th><th>问题</th><th>要求</th><th>实际</th><th>修改方法</th></tr>")
        out.extend(f"<tr class='{f.level}'>{_finding_cells(f)}</tr>" for f in g.findings)
        out.append("</table>")
    vids = video_rows(report, display)
    if vids:
        out.append("<h2>视频参数一览</h2><table><tr>" + "".join(f"<th>{_e(k)}</th>" for k in vids[0]) + "</tr>")
        out.extend("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r.values()) + "</tr>" for r in vids)
        out.append("</table>")
    out.append("<p class='meta'>本报告由作品自检系统根据活动通知的要求自动生成，仅供报送前自查参考。</p>"
               "</body></html>")
    return "\n".join(out)


def _files_cell(r: ItemRow) -> str:
    return "<br>".join(_e(p) + (f"<div class='meta'>{_e(w)}</div>" if w else "") for p, w in zip(r.files, r.why))


def render_xlsx(report: Report, display: Display = _same) -> bytes:
    """The findings, the checklist with how each file was recognised, and the video facts as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "检查结果"
    passed, headline = verdict(report)
    ws.append(["项目类型", project_name(report.project)])
    ws.append(["结论", headline])
    ws.append([])
    head = ["文件", "结论", "规则", "问题", "要求", "实际", "修改方法"]
    ws.append(head)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    fills = {ERROR: PatternFill("solid", fgColor="FFEBEE"), WARNING: PatternFill("solid", fgColor="FFF8E1")}
    for f in report.sorted_findings():
        ws.append([display(f.path) if f.path else "整体", LEVEL_ZH[f.level], f.rule, f.message,
                   f.expected or "", f.actual or "", f.fix or ""])
        if f.level in fills:
            for c in ws[ws.max_row]:
                c.fill = fills[f.level]
    for col, width in zip("ABCDEFG", (40, 8, 18, 50, 24, 24, 60)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=5):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    rows = item_rows(report, display)
    if rows:
        ws2 = wb.create_sheet("报送内容")
        ws2.append(["材料", "要求格式", "状态", "对应文件", "识别依据"])
        for r in rows:
            for p, w in zip(r.files, r.why) if r.files else [("", "")]:
                ws2.append([r.name + ("" if r.required else "（可选）"), r.formats, r.state, p, w])
        for col, width in zip("ABCDE", (24, 30, 14, 40, 60)):
            ws2.column_dimensions[col].width = width
    vids = video_rows(report, display)
    if vids:
        vs = wb.create_sheet("视频参数")
        vs.append(list(vids[0]))
        for r in vids:
            vs.append(list(r.values()))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
