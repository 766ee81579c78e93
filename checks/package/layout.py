"""Package layout (package.naming / package.layout / package.archive).

The notice asks for 学段+学校+教师姓名 / <project folder> / <work title> / files, compressed as one RAR
of the same name. This module reads that shape from the entries' relative paths and finds the
project. Which file is which required item is checks.package.items' business.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from checks.findings import ERROR, INFO, WARNING, Finding
from checks.package.forms import check_title
from checks.package.naming import norm, parse_level1


@dataclass
class Layout:
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    stage: str | None = None
    school_and_name: str | None = None
    school: str | None = None
    authors: list[str] = field(default_factory=list)
    project: str | None = None               # inferred from the level-2 folder name
    inner: dict[str, str] = field(default_factory=dict)   # entry path -> path inside the level-3 folder
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"level1": self.level1, "level2": self.level2, "level3": self.level3, "title": self.level3,
                "stage": self.stage, "school_and_name": self.school_and_name, "school": self.school,
                "authors": list(self.authors)}


def analyse_layout(paths: list[str], rules: dict, project_hint: str | None,
                   origin: str, origin_name: str | None, origin_kind: str | None) -> Layout:
    """Find level 1/2/3 in the paths. Leading wrapper folders (an upload temp dir) are skipped."""
    lay = Layout()
    folders = {p["folder"]: k for k, p in rules["projects"].items() if p.get("folder")}
    norm_folders = {norm(f): f for f in folders}
    split = [p.split("/") for p in paths]
    # Index of the level-2 (project) folder in each path, where one is recognised.
    idx = [next((i for i, c in enumerate(parts[:-1]) if norm(c) in norm_folders), None) for parts in split]
    known = [i for i in idx if i is not None]
    j = max(set(known), key=known.count) if known else None
    expected_folder = rules["projects"][project_hint].get("folder") if project_hint else None

    if j is None:
        # No recognisable project folder: take the first folder level as level 1 if there is one.
        dirs = {parts[0] for parts in split if len(parts) > 1}
        if len(dirs) != 1:
            if origin != "files":
                lay.findings.append(Finding(
                    "package.layout", ERROR, "没有找到二级文件夹（参赛项目名称）。",
                    path=origin_name, expected=f"一级文件夹/{expected_folder or '参赛项目名称'}/作品名称/各文件",
                    actual="、".join(sorted(dirs)[:5]) or "文件直接放在最外层",
                    fix="按“学段+学校+教师姓名 / 参赛项目 / 作品名称 / 文件”建立三级文件夹。"))
            return lay
        lay.level1 = dirs.pop()
        level2s = {parts[1] for parts in split if len(parts) > 2 and parts[0] == lay.level1}
        lay.findings.append(Finding(
            "package.layout", ERROR, "二级文件夹必须以参赛项目命名（四项之一）。",
            path=lay.level1, expected=expected_folder or "、".join(folders),
            actual="、".join(sorted(level2s)) or "没有二级文件夹",
            fix=f"将二级文件夹改名为“{expected_folder}”。" if expected_folder else "将二级文件夹改名为参赛项目名称。"))
        _check_level1(lay, rules, project_hint)
        return lay

    level2_names = {split[n][j] for n, i in enumerate(idx) if i == j}
    lay.level2 = sorted(level2_names)[0]
    lay.project = folders[norm_folders[norm(lay.level2)]]
    if j == 0:
        lay.findings.append(Finding(
            "package.naming", ERROR, "缺少一级文件夹（学段+学校+教师姓名）。", path=lay.level2,
            expected="学段+学校+教师姓名/" + lay.level2, actual=lay.level2,
            fix="新建一级文件夹，命名如“小学XX市第一实验小学张三”，把二级文件夹放进去。"))
    else:
        lay.level1 = split[idx.index(j)][j - 1]
        _check_level1(lay, rules, project_hint or lay.project)
    if len(level2_names) > 1:
        lay.findings.append(Finding("package.layout", ERROR, "只能有一个二级文件夹（参赛项目名称）。",
                                    path=lay.level1, expected="1 个", actual="、".join(sorted(level2_names))))
    if lay.level2 != norm_folders[norm(lay.level2)]:
        lay.findings.append(Finding("package.layout", WARNING, "二级文件夹名称与规定写法不完全一致。",
                                    path=lay.level2, expected=norm_folders[norm(lay.level2)], actual=lay.level2))
    if project_hint and lay.project != project_hint:
        lay.findings.append(Finding(
            "package.layout", ERROR, "二级文件夹的项目名称与所选参赛项目不一致。", path=lay.level2,
            expected=expected_folder, actual=lay.level2,
            fix="确认参赛项目；如选择无误，把二级文件夹改名为“%s”。" % expected_folder))

    level3s: set[str] = set()
    for parts, i, p in zip(split, idx, paths):
        if i != j:
            lay.findings.append(Finding("package.layout", ERROR, "文件不在参赛项目文件夹内。", path=p,
                                        expected=f"{lay.level1}/{lay.level2}/作品名称/…", actual=p))
        elif len(parts) < j + 3:
            lay.findings.append(Finding(
                "package.layout", ERROR, "文件应放在三级文件夹（以作品名称命名）内。", path=p,
                expected=f"{lay.level2}/作品名称/{parts[-1]}", actual=p,
                fix="在项目文件夹下新建以作品名称命名的三级文件夹，把文件移进去。"))
        else:
            level3s.add(parts[j + 1])
            lay.inner[p] = "/".join(parts[j + 2:])
    if len(level3s) > 1:
        lay.findings.append(Finding("package.layout", ERROR, "项目文件夹下只能有一个三级文件夹（作品名称）。",
                                    path=lay.level2, expected="1 个", actual="、".join(sorted(level3s))))
    if level3s:
        lay.level3 = sorted(level3s)[0]
        lay.findings.extend(check_title(lay.level3, path=f"{lay.level1}/{lay.level2}/{lay.level3}"))
    _check_archive_form(lay, origin, origin_name, origin_kind)
    return lay


def _check_level1(lay: Layout, rules: dict, project_key: str | None) -> None:
    parsed = parse_level1(lay.level1, rules["stages"], rules.get("stage_aliases"))
    stage, rest = parsed.stage, parsed.school_and_name
    example = "小学+XX市第一实验小学+张三"
    if stage is None:
        lay.findings.append(Finding(
            "package.naming", ERROR, "一级文件夹应命名为“学段+学校+教师姓名”，且以学段开头。", path=lay.level1,
            expected=f"以 {'、'.join(rules['stages'])} 之一开头，如“{example}”", actual=lay.level1,
            fix=f"改名为“学段{lay.level1}”的形式，例如“{example}”。"))
        return
    lay.stage, lay.school_and_name = stage, rest
    lay.school, lay.authors = parsed.school or None, parsed.authors
    if len(rest) < 3 or not parsed.authors:
        lay.findings.append(Finding(
            "package.naming", ERROR, "一级文件夹名在学段之后应有学校名称和教师姓名。", path=lay.level1,
            expected=f"{stage}+学校+教师姓名，如“{example}”", actual=lay.level1))
    if project_key:
        aliases = rules.get("stage_aliases") or {}
        allowed = rules["projects"][project_key]["stages"]
        if stage not in {aliases.get(a, a) for a in allowed}:
            lay.findings.append(Finding(
                "package.naming", WARNING, f"学段“{stage}”不属于“{rules['projects'][project_key]['name']}”面向的学段。",
                path=lay.level1, expected="、".join(allowed), actual=stage))


def _check_archive_form(lay: Layout, origin: str, origin_name: str | None, origin_kind: str | None) -> None:
    # Without a level-1 folder there is no name to copy yet: show the pattern instead.
    rar = f"{lay.level1 or '学段+学校+教师姓名'}.rar"
    if origin == "folder":
        lay.findings.append(Finding(
            "package.archive", INFO, "文件夹检查完毕；提交前还需把一级文件夹压缩为同名 RAR 文件。",
            path=lay.level1, expected=rar, fix=f"右键一级文件夹 → 添加到“{rar}”。"))
    elif origin == "archive" and origin_kind != "rar":
        lay.findings.append(Finding(
            "package.archive", ERROR, "参赛文件夹须压缩为 RAR 格式。", path=origin_name,
            expected=f"{rar}（RAR 格式）", actual=f"{origin_name}（{(origin_kind or '').upper()} 格式）",
            fix=f"用 WinRAR 将一级文件夹压缩为“{rar}”。"))
    if origin == "archive" and lay.level1 and origin_name:
        stem = origin_name.rsplit(".", 1)[0] if "." in origin_name else origin_name
        if norm(stem) != norm(lay.level1):
            lay.findings.append(Finding(
                "package.archive", ERROR, "压缩文件名应与一级文件夹同名。", path=origin_name,
                expected=rar, actual=origin_name, fix=f"把压缩文件改名为“{rar}”。"))
