"""The ZIP end-of-central-directory record, read without zipfile and without anything else of
`checks`: sniffing (is this ZIP an Office file?) and the archive reader both need it, so it sits
below both and neither imports the other for it."""
from __future__ import annotations

import struct
from typing import BinaryIO

MAX_MEMBERS = 20_000                  # contest packages hold at most a few thousand files
MAX_CENTRAL_DIR = 64 * 1024**2        # zipfile reads the whole central directory into memory


def _size(f: BinaryIO) -> int:
    pos = f.tell()
    try:
        return f.seek(0, 2)
    finally:
        f.seek(pos)


def central_dir_stats(f: BinaryIO) -> tuple[int, int] | None:
    """(entry count, central directory size) from the end record, read without zipfile."""
    size = _size(f)
    tail_len = min(size, 22 + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, cd_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        (z64_off,) = struct.unpack("<Q", tail[at - 12:at - 4])
        if z64_off + 56 <= size:
            f.seek(z64_off)
            rec = f.read(56)
            if rec[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack("<QQ", rec[32:48])
    return entries, cd_size
