"""The level-1 folder name 学段+学校+教师姓名, read as a clerk reads it.

Teachers write it with `+`, full-width `＋`, spaces around either, or with no separator at all
("小学第一实验小学张三"); 学前 is short for 学前教育 as 中职 is for 中等职业教育; several authors are
joined with 、 or commas. The school and the authors must come out clean: the admin pages, the Excel
export, recusal and the one-work-per-author check all use them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Where a school's name ends, when nothing separates it from the teachers' names. The last suffix
# wins ('第二中学' beats its inner '二中'), so '实验小学' in '第一实验小学张三' ends at '小学'.
SCHOOL_SUFFIXES = ("幼儿园", "小学", "中学", "学校", "学院", "大学", "附小", "附中", "分校", "校区", "中心",
                   "职校", "职高", "一中", "二中", "三中", "完小", "中专", "技校", "教学点", "研究室", "教研室",
                   "教师发展中心", "教育局", "工作室")
_SUFFIX_ANY = re.compile("(?=(" + "|".join(sorted(SCHOOL_SUFFIXES, key=len, reverse=True)) + "))")
_PART_SEP = re.compile(r"\s*\+\s*")
_AUTHOR_SEP = re.compile(r"[、,，;；/／\s]+|和(?=[\u4e00-\u9fff]{2,3}$)")


def norm(s: str) -> str:
    """NFKC (full-width ＋ → +), no spaces: how names are compared."""
    return unicodedata.normalize("NFKC", s).replace(" ", "").replace("\u3000", "")


@dataclass
class Level1:
    stage: str | None = None          # canonical 学段 (学前 → 学前教育, 中职 → 中等职业教育)
    stage_written: str | None = None  # as the teacher wrote it
    school: str = ""
    authors: list[str] = field(default_factory=list)

    @property
    def school_and_name(self) -> str:
        return self.school + "、".join(self.authors)


def split_authors(text: str) -> list[str]:
    return [a for a in _AUTHOR_SEP.split(text.strip()) if a]


def split_school_authors(rest: str) -> tuple[str, list[str]]:
    """'XX市实验小学张三、李四' -> ('XX市实验小学', ['张三', '李四']); no suffix: all of it is names."""
    rest = rest.strip()
    end = max((m.end(1) for m in _SUFFIX_ANY.finditer(rest) if m.end(1) < len(rest)), default=0)
    # A suffix that ends the name and starts inside or right after the school found so far
    # ('XX市第二中学': 二中 then 中学; 'XX大学附中'), or with no school before it ('XX市第一实验小学'):
    # a school and no teacher, not a teacher's name.
    if any(m.end(1) == len(rest) and (end == 0 or m.start() <= end) for m in _SUFFIX_ANY.finditer(rest)):
        return rest, []
    return rest[:end], split_authors(rest[end:])


def parse_level1(name: str, stages: list[str], aliases: dict[str, str] | None = None) -> Level1:
    """Read 学段, school and authors. A name that does not start with a known 学段 has stage None."""
    aliases = aliases or {}
    text = unicodedata.normalize("NFKC", name).replace("\u3000", " ").strip()
    flat = norm(text)
    written = next((s for s in sorted({*stages, *aliases}, key=len, reverse=True) if flat.startswith(s)), None)
    out = Level1(stage=aliases.get(written, written) if written else None, stage_written=written)
    if written is None:
        return out
    # Drop the 学段 as written (spaces and a separator may follow it), then split on '+'.
    rest = re.sub(r"^\s*" + r"\s*".join(map(re.escape, written)) + r"\s*\+?\s*", "", text)
    parts = [p for p in _PART_SEP.split(rest) if p.strip()]
    if len(parts) >= 2:
        out.school = norm(parts[0])
        out.authors = split_authors("、".join(parts[1:]))
    else:
        out.school, out.authors = split_school_authors(norm(rest))
    out.authors = [norm(a) for a in out.authors]
    return out
