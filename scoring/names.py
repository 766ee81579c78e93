"""Finding an author's or school's name in text however it was typed: "王伟", "王 伟", "王　伟",
full-width "ＸＸ市" for "XX市", any letter case. One compiled pattern per work, longest name first."""
from __future__ import annotations

import re
from functools import lru_cache

MASK = "＊＊"
_GAP = r"[\s\u3000\u00a0·•.\-_]*"


def _char_class(c: str) -> str:
    variants = {c}
    if "!" <= c <= "~":
        variants |= {c.lower(), c.upper(), chr(ord(c.lower()) + 0xFEE0), chr(ord(c.upper()) + 0xFEE0)}
    elif "\uff01" <= c <= "\uff5e":
        half = chr(ord(c) - 0xFEE0)
        variants |= {half.lower(), half.upper(), chr(ord(half.lower()) + 0xFEE0), chr(ord(half.upper()) + 0xFEE0)}
    return "[" + "".join(re.escape(v) for v in sorted(variants)) + "]"


@lru_cache(maxsize=256)
def name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """A pattern for any of `names` (each at least 2 visible characters), or None."""
    alts = []
    for n in sorted(set(names), key=len, reverse=True):
        chars = [c for c in n if not c.isspace()]
        if len(chars) >= 2:
            alts.append(_GAP.join(_char_class(c) for c in chars))
    return re.compile("|".join(alts)) if alts else None


def mask(text: str, names: list[str] | tuple[str, ...]) -> str:
    pattern = name_pattern(tuple(names))
    return pattern.sub(MASK, text) if pattern and text else text


def contains(text: str, names: list[str] | tuple[str, ...]) -> bool:
    pattern = name_pattern(tuple(names))
    return bool(pattern and text and pattern.search(text))
