"""回避: a judge never sees a work of their own school (or district, where the rules say so)."""
from __future__ import annotations

import re
import unicodedata

from scoring import contest

_SPACE = re.compile(r"[\s\u3000]+")


def norm(text: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def conflict(reviewer: dict, work: dict) -> str | None:
    """The Chinese reason this reviewer must not judge this work, or None.

    The school is compared normalised; when a work's school could not be separated from the
    teacher's name, the reviewer's school inside the level-1 folder name also counts, because a
    missed conflict is worse than a needless one.
    """
    rs = norm(reviewer.get("school"))
    if rs and (rs == norm(work.get("school")) or rs in norm(work.get("folder_name"))):
        return "同校回避"
    if contest.recusal(work.get("project"), work.get("subtype")) == "district":
        rd = norm(reviewer.get("district"))
        if rd and rd == norm(work.get("district")):
            return "同区县回避"
    return None
