"""Plain text of any document kind, for comparing works across the contest (一稿多投)."""
from __future__ import annotations

import re
import unicodedata
from typing import IO

from checks.errors import Unreadable

LEGACY_KINDS = ("doc", "wps", "rtf", "word_html", "word_xml")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def extract_text(f: IO[bytes], kind: str) -> str:
    """Text of a docx / pdf / legacy Word file; "" when it has none or cannot be read."""
    try:
        if kind == "docx":
            from checks.documents.docx import from_stream
            return "\n".join(from_stream(f)["paragraphs"])
        if kind == "pdf":
            from checks.documents.pdf import from_stream
            return from_stream(f).get("text") or ""
        if kind in LEGACY_KINDS:
            from checks.documents.legacy import from_stream
            return from_stream(f, kind).get("text") or ""
    except Unreadable:
        return ""
    return ""


def comparable(text: str) -> str:
    """Text reduced for near-duplicate comparison: NFKC, no spaces or punctuation, lower case."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()
