"""Seekable read-only streams with bounded memory, for members of archives.

RangeFile is a window onto part of another file (a stored ZIP/RAR member): seeking is O(1), so
MediaInfo can jump to a moov atom at the end of a 500 MB video without reading the rest.
SpoolStream fills a spooled temp file lazily from a chunk iterator (a decompressor): memory stays
under the spool limit, disk use under a hard cap, and backward seeks cost nothing.
"""
from __future__ import annotations

import io
import os
import tempfile
from typing import BinaryIO, Callable, Iterator

from checks.errors import Unreadable

SPOOL_MAX_MEMORY = 16 * 1024 * 1024


def _bytes_view(buf) -> memoryview:
    """Callers hand in bytearrays, but also ctypes char arrays (libarchive, format '<c')."""
    view = memoryview(buf)
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")



def seek_target(pos: int, offset: int, whence: int, length) -> int:
    """The new position of a seek; `length()` is only asked for SEEK_END (it may be costly)."""
    if whence == io.SEEK_SET:
        target = offset
    elif whence == io.SEEK_CUR:
        target = pos + offset
    elif whence == io.SEEK_END:
        target = length() + offset
    else:
        raise ValueError(f"bad whence {whence}")
    if target < 0:
        raise ValueError("negative seek position")
    return target


def stream_size(f) -> int:
    """Size of a seekable stream, leaving its position where it was."""
    pos = f.tell()
    try:
        return f.seek(0, 2)
    finally:
        f.seek(pos)

class _ReadOnlySeekable(io.RawIOBase):
    """Readable, seekable, position in `_pos`: what both stream kinds below share."""
    _pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos


class RangeFile(_ReadOnlySeekable):
    """Bytes [start, start+length) of `base`, a seekable binary stream."""

    def __init__(self, base: BinaryIO, start: int, length: int):
        super().__init__()
        self._base = base
        self._start = start
        self._length = max(0, length)
        self._pos = 0
        # A real file: pread does not disturb the shared position other views rely on.
        try:
            self._fd = base.fileno()
            os.pread(self._fd, 0, 0)
        except (AttributeError, OSError, io.UnsupportedOperation, ValueError):
            self._fd = None

    def window(self) -> tuple[int, int, int] | None:
        """(file descriptor, start, length) when this view is a window of a real file."""
        return (self._fd, self._start, self._length) if self._fd is not None else None

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._pos = seek_target(self._pos, offset, whence, lambda: self._length)
        return self._pos

    def readinto(self, buf) -> int:
        view = _bytes_view(buf)
        want = min(len(view), self._length - self._pos)
        if want <= 0:
            return 0
        got = 0
        while got < want:
            if self._fd is not None:
                data = os.pread(self._fd, want - got, self._start + self._pos + got)
            else:
                self._base.seek(self._start + self._pos + got)
                data = self._base.read(want - got)
            if not data:
                break
            view[got:got + len(data)] = data
            got += len(data)
        self._pos += got
        return got

    def __len__(self) -> int:
        return self._length


class SpoolStream(_ReadOnlySeekable):
    """A seekable stream over the bytes a chunk iterator produces, decompressed on demand.

    `cap` bounds the real bytes produced: past it the read raises Unreadable(rule='archive.unsafe'),
    whatever a header declared. `on_close` releases the producer (a reader, a subprocess).
    """

    def __init__(self, chunks: Iterator[bytes], cap: int, *, cap_message: str,
                 on_close: Callable[[], None] | None = None):
        super().__init__()
        self._chunks = chunks
        self._cap = cap
        self._cap_message = cap_message
        self._on_close = on_close
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)
        self._filled = 0
        self._done = False
        self._pos = 0

    def _fill_to(self, target: int | None) -> None:
        while not self._done and (target is None or self._filled < target):
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._done = True
                break
            if not chunk:
                continue
            if self._filled + len(chunk) > self._cap:
                self._done = True
                raise Unreadable(self._cap_message, rule="archive.unsafe")
            self._spool.seek(self._filled)
            self._spool.write(chunk)
            self._filled += len(chunk)

    def fill_all(self) -> int:
        self._fill_to(None)
        return self._filled

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._pos = seek_target(self._pos, offset, whence, self.fill_all)
        return self._pos

    def readinto(self, buf) -> int:
        view = _bytes_view(buf)
        n = len(view)
        if n == 0:
            return 0
        self._fill_to(self._pos + n)
        want = min(n, self._filled - self._pos)
        if want <= 0:
            return 0
        self._spool.seek(self._pos)
        got = self._spool.readinto(view[:want])
        self._pos += got
        return got

    def close(self) -> None:
        if self.closed:
            return
        try:
            close_gen = getattr(self._chunks, "close", None)
            if close_gen:
                close_gen()
            if self._on_close:
                self._on_close()
        finally:
            self._spool.close()
            super().close()
