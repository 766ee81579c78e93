"""Which required sections a document has, found the way a reader would find them.

Teachers write "一、实施过程与主要做法" where the notice says 过程与举措, or fill a template table
(授课班级 | 授课时间 | …) instead of writing "授课信息". The catalogue (contest.yaml `sections:`)
says what else counts. A section is looked for in headings, short lines, label lines ("教学目标：…")
and table cells, never in a sentence of prose that merely mentions the words.

Pure: facts in, SectionMatch out. The item recognition uses `ratio` as evidence of which required
document a file is (教案 vs 案例介绍 vs 教学实施报告).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from checks.documents.docx import numbering_level, strip_numbering

HEADING_CHARS = 30            # a line (or the label before its colon) longer than this is prose
NUMBERED_TITLE_CHARS = 40     # as the .docx inspector's numbered headings
SHORT_ALIAS_CHARS = 2         # aliases this short ("学情", "教材") count only as a whole label
NEAR_HOWS = ("alias", "parts", "table")   # accepted near matches, shown to the teacher

_CONJUNCTIONS = re.compile(r"[和及与、&＆/／+＋]")
_SPACES = re.compile(r"[\s\u3000]+")
# After NFKC: full-width ，；！？ are ASCII; a line holding any of these is prose, not a title.
_PROSE = re.compile(r"[。,;!?]")
_TOKENS = re.compile(r"[\s:|｜]+")
_CLAUSE_END = re.compile(r"[。,;!?、]\s*$")


@dataclass
class SectionMatch:
    found: dict[str, str] = field(default_factory=dict)     # section -> the text that matched
    how: dict[str, str] = field(default_factory=dict)       # 'heading'|'alias'|'parts'|'table'|'line'
    missing: list[str] = field(default_factory=list)
    ratio: float = 0.0                                      # found / required
    readable: bool = True                                   # False: no text to look in

    def near(self) -> list[tuple[str, str, str]]:
        """(section, matched text, how) of the matches a teacher should see explained."""
        return [(s, self.found[s], self.how[s]) for s in self.found if self.how[s] in NEAR_HOWS]


def canon(text: str) -> str:
    """A title reduced for comparison: NFKC, no typed numbering, one conjunction, no spaces."""
    t = unicodedata.normalize("NFKC", strip_numbering(text))
    return _SPACES.sub("", _CONJUNCTIONS.sub("与", t))


def _canon_word(word: str) -> str:
    return _SPACES.sub("", _CONJUNCTIONS.sub("与", unicodedata.normalize("NFKC", str(word))))


@dataclass
class _Candidate:
    text: str          # as written, spaces collapsed, typed numbering dropped
    title: str         # canonical text that may hold a section name ("" if prose)
    whole: str         # the whole canonical label (before a colon), for short aliases
    where: str         # 'heading' (a docx heading or table cell) or 'line'


def _candidate(text: str, where: str, trusted: bool = False) -> _Candidate | None:
    shown = " ".join(str(text).split())
    if not shown:
        return None
    c = canon(shown)
    head = c.split(":", 1)[0]
    if not trusted and where == "line" and _numbered_title(shown):
        trusted = True                 # "（一）聚焦课堂，深化过程与举措" in a PDF or .doc
    if trusted and len(c) <= 2 * HEADING_CHARS:
        title = c                      # Word (or the teacher's numbering/bold) already says it is a title
    else:
        title = head if 0 < len(head) <= HEADING_CHARS and not _PROSE.search(head) else ""
    return _Candidate(strip_numbering(shown, normalize=False) or shown, title, head, where)


def _numbered_title(text: str) -> bool:
    """A typed-numbered short line that does not end like a sentence or a clause."""
    return (len(text) <= NUMBERED_TITLE_CHARS and numbering_level(text) is not None
            and not _CLAUSE_END.search(unicodedata.normalize("NFKC", text)))


def _candidates(facts: dict[str, Any], kind: str) -> tuple[list[_Candidate], list[str], bool]:
    """(candidates, raw texts for label tokens, whether the document had any text)."""
    if kind == "docx":
        headings = facts.get("headings") or []
        cells = list(facts.get("table_cells") or [])
        lines = [p for p in facts.get("paragraphs") or [] if p and p.strip()]
        raw = [*cells, *lines]
        # A table cell is a label only if it reads like one; a styled or numbered heading is trusted.
        out = [_candidate(h.get("text", ""), "heading", trusted=h.get("source") != "table") for h in headings]
        out += [_candidate(t, "heading") for t in cells]
        out += [_candidate(t, "line") for t in lines]
        return [c for c in out if c], raw, True
    text = facts.get("text") or ""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return [c for c in (_candidate(t, "line") for t in lines) if c], lines, bool(lines)


def _holds(cand: _Candidate, word: str) -> bool:
    if not word or not cand.title:
        return False
    if len(word) <= SHORT_ALIAS_CHARS:
        return cand.whole == word
    return word in cand.title


def match_sections(facts: dict[str, Any], kind: str, sections: list[str],
                   catalogue: dict[str, Any] | None) -> SectionMatch:
    """Find each required section in a document's facts (docx facts, or any facts with `text`).

    Names and aliases are looked for first; a title they claim is not used again for another
    section's `parts` ("特色做法" is 特色与创新, not a 做法 of 过程与举措)."""
    catalogue = catalogue or {}
    required = [str(s) for s in sections]
    cands, raw, readable = _candidates(facts, kind)
    hits: dict[str, tuple[str, str]] = {}
    claimed: set[str] = set()          # titles (as written) a name or an alias took
    for section in required:
        entry = catalogue.get(section) or {}
        at = _find_name(cands, _canon_word(section))
        how = "heading" if at is not None and cands[at].where == "heading" else "line"
        if at is None:
            words = [_canon_word(a) for a in entry.get("aliases") or []]
            at = next((i for w in words for i, c in enumerate(cands) if _holds(c, w)), None)
            how = "alias"
        if at is not None:
            hits[section] = (cands[at].text, how)
            claimed.add(cands[at].text)
    tokens: set[str] | None = None
    for section in required:
        if section in hits:
            continue
        entry = catalogue.get(section) or {}
        groups = [[_canon_word(w) for w in g] for g in entry.get("parts") or []]
        at = next((i for i, c in enumerate(cands) if groups and c.title and c.text not in claimed
                   and all(any(w in c.title for w in g) for g in groups)), None)
        if at is not None:
            hits[section] = (cands[at].text, "parts")
            continue
        labels = [_canon_word(w) for w in entry.get("labels") or []]
        if labels:
            tokens = _label_tokens(raw) if tokens is None else tokens
            seen = [w for w in dict.fromkeys(labels) if w in tokens]
            if len(seen) >= int(entry.get("min_labels") or 1):
                hits[section] = ("、".join(seen[:5]), "table")
    m = SectionMatch(readable=readable)
    for section in required:
        if section in hits:
            m.found[section], m.how[section] = hits[section]
        else:
            m.missing.append(section)
    m.ratio = len(m.found) / len(required) if required else 1.0
    return m


def _find_name(cands: list[_Candidate], name: str) -> int | None:
    """The canonical name itself: a heading or cell first, then any title-like line."""
    best = None
    for i, c in enumerate(cands):
        if _holds(c, name):
            if c.where == "heading":
                return i
            best = i if best is None else best
    return best


def _label_tokens(texts: list[str]) -> set[str]:
    """Every short piece between spaces, tabs, bars and colons: the cells of a table as text."""
    out: set[str] = set()
    for t in texts:
        for tok in _TOKENS.split(unicodedata.normalize("NFKC", t)):
            tok = canon(tok)
            if 0 < len(tok) <= 12:
                out.add(tok)
    return out
