"""Eligibility across works (admin side): rule ids eligibility.duplicate, eligibility.awarded,
eligibility.one_per_author. Recomputed as a whole after each import, so it is idempotent; an
admin's explicit decision (works.set_excluded) always wins over the computed exclusion.

Near-identical text: documents are reduced with checks.documents.text.comparable, cut into 5-character
shingles, and each work keeps a bottom-k sketch (the k smallest 64-bit shingle hashes). The Jaccard
similarity of two works is estimated from their sketches; at or above the
`duplicate_text_threshold` setting the works count as one work submitted twice (一稿多投).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from itertools import combinations

from scoring import db as _db
from scoring.settings import read_settings

SHINGLE = 5
SKETCH_K = 128
MIN_TEXT = 200            # shorter texts (a few headings) prove nothing
DUPLICATE_SKIP_ITEMS = {"summary_sheet"}   # a district's shared 汇总表 template is not 一稿多投
MIN_DUP_FILE_BYTES = 1024
# A file shared by more works than this is common material (a district template, a logo video),
# not one work handed in twice.
MAX_DUP_GROUP = 3
VOCATIONAL = ("vocational_practice", "digital_textbook")
MAX_EVIDENCE_FILES = 20
# People's decisions, kept when the computed findings are recomputed.
KEPT_RULES = ("eligibility.admin", "eligibility.duplicate_decision")
_TITLE_NOISE = re.compile(r"[\s\W_《》〈〉<>]+", re.UNICODE)


def sketch(text: str, k: int = SKETCH_K) -> list[int] | None:
    """Bottom-k sketch of a comparable text's shingles (None when the text is too short)."""
    if len(text) < MIN_TEXT:
        return None
    hashes = {int.from_bytes(hashlib.blake2b(text[i:i + SHINGLE].encode("utf-8"), digest_size=8).digest(), "big")
              for i in range(len(text) - SHINGLE + 1)}
    return sorted(hashes)[:k]


def similarity(a: list[int], b: list[int], k: int = SKETCH_K) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind two sketches."""
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:k]
    if not union:
        return 0.0
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def normalise_title(title: str | None) -> str:
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title or "")).lower()


def read_awarded_csv(path_or_text) -> list[str]:
    """Titles from a CSV of previously awarded works (column 作品名称 / title / 名称, else the first)."""
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        text = path_or_text
    else:
        with open(path_or_text, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    col = next((header.index(c) for c in ("作品名称", "title", "名称", "作品") if c in header), None)
    body = rows[1:] if col is not None else rows
    col = col or 0
    return [r[col].strip() for r in body if len(r) > col and r[col].strip()]


def _finding(rule: str, message: str, **extra) -> dict:
    return {"rule": rule, "level": "error", "message": message, **extra}


def compute(cur, awarded_titles: list[str] | None = None) -> dict[int, list[dict]]:
    """Eligibility findings per work id (works without findings are absent)."""
    settings = read_settings(cur)
    threshold = float(settings["duplicate_text_threshold"])
    awarded = {normalise_title(t) for t in (awarded_titles if awarded_titles is not None
                                            else settings["awarded_titles"])} - {""}
    works = {w["id"]: w for w in _db.rows(cur, "SELECT id, project, title, authors, school, text_sketch "
                                                 "FROM works ORDER BY id")}
    out: dict[int, list[dict]] = defaultdict(list)
    pairs: dict[tuple[int, int], str] = {}

    # Same file content in two works.
    skip = ", ".join(f"'{i}'" for i in DUPLICATE_SKIP_ITEMS)
    same_files: dict[tuple[int, int], list[list[str]]] = defaultdict(list)
    for sha, ids, paths in cur.execute(f"""
            SELECT sha256, list(work_id ORDER BY work_id, path), list(path ORDER BY work_id, path) FROM work_files
            WHERE sha256 IS NOT NULL AND size >= {MIN_DUP_FILE_BYTES} AND coalesce(item, '') NOT IN ({skip})
            GROUP BY sha256 HAVING count(DISTINCT work_id) BETWEEN 2 AND {MAX_DUP_GROUP}""").fetchall():
        first = {}
        for wid, path in zip(ids, paths):
            first.setdefault(wid, path)
        for a, b in combinations(sorted(first), 2):
            pairs.setdefault((a, b), "存在内容完全相同的文件")
            if len(same_files[(a, b)]) < MAX_EVIDENCE_FILES:
                same_files[(a, b)].append([first[a], first[b]])

    # Near-identical document text: candidate pairs share sketch hashes, then estimate Jaccard.
    sketches = {wid: json.loads(w["text_sketch"]) for wid, w in works.items() if w["text_sketch"]}
    posting: dict[int, list[int]] = defaultdict(list)
    for wid, sk in sketches.items():
        for h in sk:
            posting[h].append(wid)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in posting.values():
        for a, b in combinations(ids, 2):
            shared[(a, b)] += 1
    sims: dict[tuple[int, int], float] = {}
    for (a, b), n in shared.items():
        if n >= threshold * SKETCH_K * 0.5 or (a, b) in pairs:
            sim = similarity(sketches[a], sketches[b])
            sims[(a, b)] = sim
            if sim >= threshold and (a, b) not in pairs:
                pairs[(a, b)] = f"文档文字高度相似（相似度约 {sim:.0%}）"
    # Candidates only: a person compares the evidence and decides (decide_duplicate); a warning
    # does not exclude the work by itself.
    for (a, b), why in sorted(pairs.items()):
        evidence = {"same_files": same_files.get((a, b), []), "similarity": sims.get((a, b))}
        for me, other in ((a, b), (b, a)):
            files = [list(reversed(p)) for p in evidence["same_files"]] if me == b else evidence["same_files"]
            out[me].append({"rule": "eligibility.duplicate", "level": "warning",
                            "message": f"疑似一稿多投：与作品 {other}“{works[other]['title']}”{why}，待管理员核定。",
                            "other": other, "evidence": {**evidence, "same_files": files}})

    for wid, w in works.items():
        if normalise_title(w["title"]) in awarded:
            out[wid].append(_finding("eligibility.awarded", f"作品“{w['title']}”在往届获奖名单中，不得重复参评。"))

    # 职业教育专项: one work per first author (the first imported keeps its place).
    seen: dict[tuple, int] = {}
    for wid, w in works.items():
        if w["project"] not in VOCATIONAL or not w["authors"]:
            continue
        key = (normalise_title(w["authors"][0]), normalise_title(w["school"]))
        if key in seen:
            first = seen[key]
            out[wid].append(_finding("eligibility.one_per_author",
                                     f"第一作者“{w['authors'][0]}”已有作品 {first}“{works[first]['title']}”参评；"
                                     "职业教育专项每位第一作者限报一件。", other=first))
        else:
            seen[key] = wid
    return out


def refresh(cur, awarded_titles: list[str] | None = None) -> int:
    """Recompute and store every work's eligibility findings and exclusion (inside the caller's
    transaction). Admin decisions are kept. Returns how many works are excluded."""
    computed = compute(cur, awarded_titles)
    excluded = 0
    for wid, old_json in cur.execute("SELECT id, eligibility FROM works ORDER BY id").fetchall():
        kept = [f for f in json.loads(old_json) if f.get("rule") in KEPT_RULES]
        findings = computed.get(wid, []) + kept
        admin = [f for f in kept if f.get("rule") == "eligibility.admin"]
        ex = admin[-1]["excluded"] if admin else any(f["level"] == "error" for f in findings)
        excluded += bool(ex)
        new_json = json.dumps(findings, ensure_ascii=False)
        if new_json != old_json:
            cur.execute("UPDATE works SET eligibility = ?, excluded = ? WHERE id = ?", [new_json, ex, wid])
        else:
            cur.execute("UPDATE works SET excluded = ? WHERE id = ? AND excluded <> ?", [ex, wid, ex])
    return excluded
