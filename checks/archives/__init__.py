"""Archives: safe listing of ZIP and RAR packages and their members as seekable streams.

`base` holds the caps, name decoding and safety judgements shared by the readers; `zip` and `rar`
are the readers; `rangefile` the byte-range and spooled member streams. `open_archive` (here, above
the readers, so that no reader imports its caller) picks the reader by content.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

from checks import sniff
from checks.archives.base import Archive
from checks.errors import Unreadable


def _is_path(source: Any) -> bool:
    return isinstance(source, (str, bytes, os.PathLike))


def open_archive(source: str | os.PathLike | BinaryIO, kind: str | None = None,
                 name: str | None = None) -> Archive:
    """List a ZIP or RAR archive given as a path or a seekable binary stream.

    Corrupt, encrypted, multi-volume and hostile archives come back with findings (and possibly
    no members); only a source that is not a ZIP/RAR at all raises Unreadable.
    """
    owned = None
    if _is_path(source):
        path = Path(os.fsdecode(source))
        name = name or path.name
        try:
            owned = open(path, "rb")
        except OSError as e:
            raise Unreadable(f"无法打开文件“{name}”。", detail=str(e)) from e
        stream: BinaryIO = owned
    else:
        stream = source
    try:
        if kind is None:
            kind = sniff.sniff_stream(stream)
        if kind == "zip" or kind in ("docx", "xlsx", "pptx"):
            from checks.archives.zip import ZipArchive
            arc: Archive = ZipArchive(stream, name)
        elif kind == "rar":
            from checks.archives.rar import RarArchive
            arc = RarArchive(stream, name, path=os.fsdecode(source) if owned else None)
        elif kind == "empty":
            raise Unreadable(f"“{name or '压缩包'}”是空文件（0 字节）。", rule="file.empty")
        else:
            label = sniff.KIND_LABELS_ZH.get(kind, kind)
            raise Unreadable(f"“{name or '文件'}”的内容是{label}，不是 ZIP 或 RAR 压缩包，无法查看其中的文件。",
                             detail=kind)
    except BaseException:
        if owned:
            owned.close()
        raise
    if owned:
        arc._closers.insert(0, owned.close)
    return arc
