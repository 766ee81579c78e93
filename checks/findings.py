"""The one shape every check reports in: a Finding, and a Report that gathers them.

Rule ids are public API (see docs/rules.md); the JSON produced by Report.to_dict() is the
batch command's contract, so extra detail lives under keys the contract does not forbid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"
LEVELS = (ERROR, WARNING, INFO)
_LEVEL_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass
class Finding:
    rule: str
    level: str
    message: str
    path: str | None = None
    expected: str | None = None
    actual: str | None = None
    fix: str | None = None          # what to do, in Chinese; may hold a command line
    item: str | None = None         # required-item key this finding belongs to, if any

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r} for rule {self.rule}")

    def to_dict(self) -> dict[str, Any]:
        d = {
            "rule": self.rule, "level": self.level, "path": self.path,
            "message": self.message, "expected": self.expected, "actual": self.actual,
        }
        if self.fix:
            d["fix"] = self.fix
        if self.item:
            d["item"] = self.item
        return d


@dataclass
class FileInfo:
    path: str
    kind: str                        # content kind from checks.sniff, e.g. "mp4", "docx", "pdf"
    size: int
    item: str | None = None          # required-item key the file was classified as
    facts: dict[str, Any] | None = None   # inspector output, for the UI's fact tables
    why: str | None = None           # how the item was recognised, in Chinese ("按内容识别为：…")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "kind": self.kind, "size": self.size}
        if self.item:
            d["item"] = self.item
        if self.why:
            d["why"] = self.why
        return d


@dataclass
class ItemStatus:
    """One line of the checklist: a required item of the project and whether it arrived."""
    key: str
    name: str
    required: bool
    formats: str                     # human text, e.g. "MP4" or "Word 或 PDF"
    files: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)    # file path -> how it was recognised

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "required": self.required,
                "formats": self.formats, "files": list(self.files), "why": dict(self.why)}


@dataclass
class Report:
    project: str | None = None
    findings: list[Finding] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    items: list[ItemStatus] = field(default_factory=list)
    package: dict[str, Any] | None = None   # level-1/2/3 names and inferred 学段 etc.

    def add(self, finding: Finding) -> Finding:
        self.findings.append(finding)
        return finding

    def extend(self, findings) -> None:
        self.findings.extend(findings)

    @property
    def verdict(self) -> str:
        return "fail" if any(f.level == ERROR for f in self.findings) else "pass"

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (_LEVEL_ORDER[f.level], f.path or "", f.rule))

    def counts(self) -> dict[str, int]:
        c = {lvl: 0 for lvl in LEVELS}
        for f in self.findings:
            c[f.level] += 1
        return c

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "project": self.project,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "files": [fi.to_dict() for fi in self.files],
        }
        if self.items:
            d["items"] = [i.to_dict() for i in self.items]
        if self.package:
            d["package"] = self.package
        return d
