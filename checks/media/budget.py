"""A read-through stream that hands out at most a fixed number of bytes."""
from __future__ import annotations


class Budgeted:
    """Stops handing bytes to a parser (MediaInfo, a demuxer) after `budget` bytes, so random or
    hostile content can never make it scan a whole large file: it sees the end of the file."""

    mode = "rb"

    def __init__(self, f, budget: int):
        self._f, self._left = f, budget

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n is None or n < 0 else min(n, self._left)
        data = self._f.read(n)
        self._left -= len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()
