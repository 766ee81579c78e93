"""Which required item each file is, decided the way a careful 初审 clerk decides it.

For every file and every item of the project the clerk weighs evidence: what the content is (a
spreadsheet is the 汇总表; a signed scan is the 登记表; a document whose headings are the 教案's
elements is the 教案; a recording's length fits the recording), what the name says (and whether
the name's head noun names this item or something else: 录像说明.docx is a 说明), and where the
file sits (a 资源包 folder or a "资源-" prefix marks supplementary material). Then one assignment is
chosen for the whole submission, the one with the strongest total evidence; size only breaks ties.

A required item that no file shows positive evidence for is missing, even when some other file of
an accepted format is present: the report names the likely candidate and why it does not fit.

Evidence sources are data (`data/rules/contest.yaml`: an item's `keywords`, `accepts`, `recognise`,
`doc.sections`, `video` durations; the contest's `recognition` markers); this module only weighs them.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from checks.package.naming import norm
from checks.rules import kinds_of

PRESENT = 1.0            # total evidence from which a file counts as the item
NAME = 2.0               # a keyword of the item in the file name (+ a little per character)
HEAD_NOUN = 0.75         # ... standing at the end of the name, where Chinese puts the head noun
LABEL = 2.5              # a folder (or "资源-" prefix) named for the item
MARKED_ELSEWHERE = -5.0  # a folder or prefix marks the file as supplementary material
OTHER_DOCUMENT = -3.0    # the name says it is some other document (获奖证书, 照片 …)
ONLY_TAKER = 1.0         # the only item of the project that accepts this content
CONTENT_KIND = 3.0       # content of the kind that is this item's (a spreadsheet for 汇总表)
SCAN = 2.0               # a PDF whose pages are scanned images
TITLE = 3.0              # the document's own title names the item
SECTIONS = 3.0           # × the share of the item's required sections found
DURATION = 2.0           # a recording's length within the item's range
MAX_CANDIDATES = 6       # per single-file item in the exact search

_NAME_TAIL = re.compile(r"[\s\-_—－·.（）()\[\]【】0-9０-９一二三四五六七八九十上中下终定稿修改版最新final]*$", re.I)
_PREFIX = re.compile(r"^(?:[0-9]+[.、_\-\s]*)?([\u4e00-\u9fffA-Za-z]{1,6})\s*[-_—－:：]\s*")


@dataclass
class FileFacts:
    """What recognition may look at: the path inside the work folder, content kind, size, facts."""
    path: str
    kind: str
    size: int
    facts: dict[str, Any] | None = None


@dataclass
class Reason:
    source: str          # 'name' | 'folder' | 'content' | 'kind'
    text: str            # Chinese, for the report
    weight: float


@dataclass
class Recognition:
    item_of: dict[str, str | None] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)           # path -> "按内容识别为：…"
    wrong_format: set[str] = field(default_factory=set)         # assigned although the format is not accepted
    near: dict[str, tuple[str, str]] = field(default_factory=dict)   # missing item -> (path, why it does not fit)


SectionRatio = Callable[[dict, str, list[str]], tuple[float, list[str]]]


def recognise(files: list[FileFacts], items: list[dict], rules: dict,
              section_ratio: SectionRatio | None = None) -> Recognition:
    """Assign files to items. `section_ratio(facts, kind, sections) -> (share found, found)`
    lets document sections count as evidence; without it (name-only preview) they do not."""
    ev = _Evidence(items, rules, section_ratio)
    scores = {(f.path, it["key"]): ev.reasons(f, it) for f in files for it in items}
    total = {k: sum(r.weight for r in rs) + _size_tiebreak(f.size)
             for f in files for it in items for k, rs in [((f.path, it["key"]), scores[(f.path, it["key"])])]}
    fits = {(f.path, it["key"]): ev.fits(f.kind, it) for f in files for it in items}
    out = Recognition()

    singles = [it for it in items if not it.get("rest") and not it.get("multiple")]
    multiples = [it for it in items if it.get("multiple") and not it.get("rest")]
    rest = next((it for it in items if it.get("rest")), None)

    # What each file is when no single-file item takes it: the best multi-file item, else the rest.
    base: dict[str, tuple[float, str | None]] = {}
    for f in files:
        best = max(((total[(f.path, it["key"])], it["key"]) for it in multiples
                    if fits[(f.path, it["key"])] and total[(f.path, it["key"])] >= PRESENT), default=None)
        base[f.path] = best if best else (0.0, rest["key"] if rest else None)

    chosen = _best_assignment(files, singles, total, fits, base)
    for f in files:
        out.item_of[f.path] = chosen.get(f.path, base[f.path][1])

    # An item that no file of an accepted format fits may still have its file under a wrong format
    # (登记表.docx): take a file whose name or folder clearly says so, so the report says "格式不符".
    for it in singles + multiples:
        if any(v == it["key"] for v in out.item_of.values()):
            continue
        wrong = [f for f in files if not fits[(f.path, it["key"])]
                 and out.item_of[f.path] in (None, rest and rest["key"])
                 and _named(scores[(f.path, it["key"])]) >= NAME + 0.5]
        if wrong:
            pick = max(wrong, key=lambda f: (total[(f.path, it["key"])], f.size))
            out.item_of[pick.path] = it["key"]
            if pick.kind not in ("empty", "unreadable"):   # those get file.empty / file.readable instead
                out.wrong_format.add(pick.path)

    for f in files:
        key = out.item_of[f.path]
        if key is not None:
            it = next(i for i in items if i["key"] == key)
            out.why[f.path] = _why(it, scores[(f.path, key)], f.path in out.wrong_format,
                                   rest is not None and key == rest["key"])
    for it in items:
        if it.get("rest") or any(v == it["key"] for v in out.item_of.values()):
            continue
        near = _nearest(files, it, scores, fits, ev)
        if near:
            out.near[it["key"]] = near
    return out


def classify(files: list[tuple[str, str, int]], items: list[dict], rules: dict) -> dict[str, str | None]:
    """Names, kinds and sizes only (the upload preview): path -> item key."""
    return recognise([FileFacts(p, k, s) for p, k, s in files], items, rules).item_of


# --- evidence ------------------------------------------------------------------------------------

class _Evidence:
    def __init__(self, items: list[dict], rules: dict, section_ratio: SectionRatio | None):
        self.rules = rules
        self.items = items
        self.section_ratio = section_ratio
        rec = rules.get("recognition") or {}
        self.markers = [norm(m) for m in rec.get("resource_markers") or []]
        self.others = [norm(m) for m in rec.get("other_documents") or []]
        self.accepted = {it["key"]: kinds_of(it["accepts"], rules) for it in items}
        self.tolerance = float(rules.get("video_spec", {}).get("duration_tolerance_s", 0))

    def fits(self, kind: str, item: dict) -> bool:
        acc = self.accepted[item["key"]]
        return acc is None or kind in acc

    def reasons(self, f: FileFacts, item: dict) -> list[Reason]:
        parts = f.path.split("/")
        stem = _stem(parts[-1])
        out: list[Reason] = []
        kw = _keyword_in(stem, item)
        if kw:
            head = _is_head(stem, kw)
            out.append(Reason("name", f"文件名含“{kw}”", NAME + 0.25 * len(kw) + (HEAD_NOUN if head else 0)))
        labels = [(p, "folder") for p in parts[:-1]]
        m = _PREFIX.match(stem)
        if m:
            labels.append((m.group(1), "prefix"))
        for label, where in labels:
            place = f"位于“{label}”文件夹" if where == "folder" else f"文件名以“{label}”开头"
            source = "folder" if where == "folder" else "name"
            if _keyword_in(norm(label), item):
                out.append(Reason(source, place, LABEL))
            elif not item.get("rest") and any(mk in norm(label) for mk in self.markers):
                out.append(Reason(source, f"{place}，属于资源材料", MARKED_ELSEWHERE))
        if not item.get("rest") and not kw and any(o in stem for o in self.others):
            word = next(o for o in self.others if o in stem)
            out.append(Reason("name", f"名称表明是“{word}”", OTHER_DOCUMENT))
        if not item.get("rest") and self.fits(f.kind, item) and self.accepted[item["key"]] is not None:
            takers = [i for i in self.items if not i.get("rest") and self.fits(f.kind, i)
                      and self.accepted[i["key"]] is not None]
            if len(takers) == 1:
                out.append(Reason("kind", "项目中只有这一项接受此类文件", ONLY_TAKER))
        out += self._content(f, item)
        return out

    def _content(self, f: FileFacts, item: dict) -> list[Reason]:
        rec = item.get("recognise") or {}
        out: list[Reason] = []
        groups = self.rules["kind_groups"]
        if rec.get("kinds") and any(f.kind in groups.get(g, ()) for g in rec["kinds"]):
            out.append(Reason("content", f"内容是 {_label(f.kind)}", CONTENT_KIND))
        facts = f.facts or {}
        if not facts:
            return out
        if rec.get("scan") and f.kind == "pdf" and facts.get("looks_scanned"):
            out.append(Reason("content", "是扫描件（页面为扫描图像）", SCAN))
        if rec.get("title_words"):
            word = next((w for w in rec["title_words"] if norm(w) in _title_area(facts)), None)
            if word:
                out.append(Reason("content", f"文档标题含“{word}”", TITLE))
        sections = (item.get("doc") or {}).get("sections")
        if sections and self.section_ratio and f.kind not in groups["video"]:
            share, found = self.section_ratio(facts, f.kind, [str(s) for s in sections])
            if share >= 0.4:
                shown = "、".join(found[:3]) + ("等" if len(found) > 3 else "")
                out.append(Reason("content", f"含{shown} {len(found)}/{len(sections)} 个必备部分",
                                  SECTIONS * share))
        video = item.get("video") or {}
        if rec.get("duration") and facts.get("duration_s"):
            d, lo, hi = float(facts["duration_s"]), video.get("min_duration_s"), video.get("max_duration_s")
            t = self.tolerance
            if (lo is None or d >= lo - t) and (hi is None or d <= hi + t):
                out.append(Reason("content", f"时长 {_minutes(d)}，符合录像要求", DURATION))
        return out


def _named(reasons: list[Reason]) -> float:
    return sum(r.weight for r in reasons if r.source in ("name", "folder") and r.weight > 0)


def _stem(name: str) -> str:
    n = norm(name)
    return n.rsplit(".", 1)[0] if "." in n[1:] else n


def _keyword_in(text: str, item: dict) -> str | None:
    """The longest keyword of the item found in the text."""
    return max((k for k in item["keywords"] if norm(k) in text), key=len, default=None)


def _is_head(stem: str, kw: str) -> bool:
    """Whether kw ends the name once version marks, numbers and brackets are dropped."""
    core = _NAME_TAIL.sub("", stem) or stem
    return core.endswith(norm(kw))


def _title_area(facts: dict) -> str:
    """The first lines a reader sees: headings and the first paragraphs or lines of text."""
    lines: list[str] = [h.get("text", "") for h in (facts.get("headings") or [])[:3]]
    paras = [p for p in (facts.get("paragraphs") or []) if p.strip()][:4]
    text = facts.get("text") or ""
    lines += paras or [ln for ln in text.splitlines() if ln.strip()][:4]
    return norm("".join(lines))[:400]


def _size_tiebreak(size: int) -> float:
    return min(size, 10**12) / 10**15          # never outweighs a real reason


def _minutes(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} 分 {s:02d} 秒"


def _label(kind: str) -> str:
    from checks.sniff import KIND_LABELS_ZH
    return KIND_LABELS_ZH.get(kind, kind)


# --- the assignment ------------------------------------------------------------------------------

def _best_assignment(files, singles, total, fits, base) -> dict[str, str]:
    """Single-file items get distinct files so that the summed evidence is the largest.

    A few items with a handful of candidates each: an exhaustive search over the candidates is
    exact and takes microseconds, and it sees what a greedy pass misses (a file that fits two
    items best goes where the other item has no second choice).
    """
    options = []
    for it in singles:
        cands = sorted((f for f in files if fits[(f.path, it["key"])] and total[(f.path, it["key"])] >= PRESENT),
                       key=lambda f: -total[(f.path, it["key"])])[:MAX_CANDIDATES]
        options.append([None] + [f.path for f in cands])
    best, best_value = {}, float("-inf")
    for combo in itertools.product(*options):
        chosen = [p for p in combo if p is not None]
        if len(chosen) != len(set(chosen)):
            continue
        value = sum(total[(p, it["key"])] - base[p][0] for p, it in zip(combo, singles) if p is not None)
        if value > best_value + 1e-12:
            best_value = value
            best = {p: it["key"] for p, it in zip(combo, singles) if p is not None}
    return best


# --- what the report says ------------------------------------------------------------------------

_SOURCE_ZH = {"content": "内容", "name": "名称", "folder": "所在文件夹", "kind": "文件类型"}


def _why(item: dict, reasons: list[Reason], wrong_format: bool, is_rest: bool) -> str:
    positive = sorted((r for r in reasons if r.weight > 0), key=lambda r: -r.weight)
    name = item["name"]
    if wrong_format:
        return f"按名称识别为：{name}（{'；'.join(r.text for r in positive[:2])}），但文件格式不符"
    if not positive:
        return f"归入：{name}（其余文件）" if is_rest else f"识别为：{name}"
    sources = [src for src in ("content", "name", "folder") if any(r.source == src for r in positive)] or ["kind"]
    return f"按{'和'.join(_SOURCE_ZH[src] for src in sources)}识别为：{name}（{'；'.join(r.text for r in positive[:3])}）"


def _nearest(files, item, scores, fits, ev) -> tuple[str, str] | None:
    """The file a clerk would hold up as the likely candidate for a missing item, and why not."""
    cands = [f for f in files if fits[(f.path, item["key"])] and f.kind not in ("empty", "unreadable")]
    if not cands:
        return None
    f = max(cands, key=lambda f: (sum(r.weight for r in scores[(f.path, item["key"])]), f.size))
    reasons = scores[(f.path, item["key"])]
    why: list[str] = [r.text for r in reasons if r.weight < 0]
    rec = item.get("recognise") or {}
    if rec.get("scan") and f.kind == "pdf" and not (f.facts or {}).get("looks_scanned"):
        why.append("不是签字扫描件")
    if not any(r.source == "name" and r.weight > 0 for r in reasons):
        why.append("名称不符")
    if (item.get("doc") or {}).get("sections") and not any("必备部分" in r.text for r in reasons):
        why.append("没有找到其必备部分")
    if rec.get("duration") and not any(r.text.startswith("时长") for r in reasons):
        d = (f.facts or {}).get("duration_s")
        if d:
            why.append(f"时长 {_minutes(float(d))} 不符合要求")
    return f.path, "；".join(dict.fromkeys(why)) or "证据不足"
