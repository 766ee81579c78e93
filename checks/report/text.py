"""The Chinese plain-text report printed by `python -m checks` without --json."""
from __future__ import annotations

from checks.findings import Report

_MARK = {"error": "✗ 错误", "warning": "! 警告", "info": "· 提示"}


def render_text(report: Report, rules: dict) -> str:
    proj = rules["projects"].get(report.project or "", {})
    lines = []
    verdict = "通过" if report.verdict == "pass" else "不通过"
    c = report.counts()
    lines.append(f"检查结论：{verdict}（错误 {c['error']} 项，警告 {c['warning']} 项，提示 {c['info']} 项）")
    lines.append(f"参赛项目：{proj.get('name', '未确定')}")
    if report.package and report.package.get("level1"):
        pk = report.package
        lines.append(f"一级文件夹：{pk.get('level1')}　二级：{pk.get('level2') or '—'}　三级（作品名称）：{pk.get('level3') or '—'}")
    if report.items:
        lines.append("")
        lines.append("报送内容：")
        for it in report.items:
            mark = "✓" if it.files else ("✗" if it.required else "—")
            got = "、".join(f.rsplit("/", 1)[-1] for f in it.files) or "未找到"
            lines.append(f"  {mark} {it.name}（{it.formats}）：{got}")
    if report.findings:
        lines.append("")
        lines.append("问题与提示：")
        for f in report.sorted_findings():
            lines.append(f"  {_MARK[f.level]} [{f.rule}] {f.message}")
            if f.path:
                lines.append(f"      文件：{f.path}")
            if f.expected or f.actual:
                lines.append(f"      要求：{f.expected or '—'}；实际：{f.actual or '—'}")
            if f.fix:
                lines.append(f"      修改方法：{f.fix}")
    lines.append("")
    lines.append(f"共检查 {len(report.files)} 个文件。")
    return "\n".join(lines) + "\n"
