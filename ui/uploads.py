"""Spool browser uploads to a private temp tree on disk, so the engine reads files, not RAM.

Upload names are untrusted: a folder upload puts the browser's relative path in `.name`
("小学…张三/融合创新应用教学案例/…/录像.mp4"), and a hostile client can send anything. Every name
is reduced to safe relative parts before it touches the disk. No streamlit import here.
"""
from __future__ import annotations

import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

CHUNK = 1024 * 1024          # copy in 1 MiB pieces: constant memory whatever the file size
_MAX_PART_BYTES = 240        # stay under the usual 255-byte file-name limit
_MAX_DEPTH = 12
FALLBACK_NAME = "未命名文件"


class NamedUpload(Protocol):
    name: str

    def read(self, n: int = -1) -> bytes: ...


def safe_parts(name: str) -> list[str]:
    """The relative path parts of an upload name, with anything that could escape removed.

    Both / and \\ separate (a Windows client may send either); '', '.', '..', drive letters
    and control characters are dropped; over-long parts are cut on a UTF-8 boundary.
    """
    parts: list[str] = []
    for raw in name.replace("\\", "/").split("/"):
        part = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()
        if len(part) == 2 and part[1] == ":" and part[0].isalpha():
            continue                                   # "C:" from a Windows absolute path
        if part in ("", ".", ".."):
            continue
        parts.append(_cut_utf8(part, _MAX_PART_BYTES))
    return parts[-_MAX_DEPTH:] or [FALLBACK_NAME]


def _cut_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    stem, dot, ext = text.rpartition(".")
    keep = ("." + ext) if dot and len(ext.encode()) < 16 else ""
    room = limit - len(keep.encode())
    return data[:room].decode("utf-8", errors="ignore") + keep


def _unique(path: Path) -> Path:
    """Two uploads with the same name (two drops of the same file) must not overwrite."""
    if not path.exists():
        return path
    for n in range(2, 10_000):
        cand = path.with_name(f"{path.stem}（{n}）{path.suffix}")
        if not cand.exists():
            return cand
    raise FileExistsError(path)


def spool_one(upload: NamedUpload, root: Path) -> Path:
    """Copy one upload under root at its sanitised relative path; returns the file written."""
    dest = _unique(root.joinpath(*safe_parts(upload.name)))
    # resolve() check is belt and braces: safe_parts already removed every escape route.
    if root.resolve() not in dest.resolve().parents:
        raise ValueError(f"unsafe upload name {upload.name!r}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(upload, "seek"):
        upload.seek(0)
    with open(dest, "wb") as out:
        shutil.copyfileobj(upload, out, CHUNK)  # type: ignore[arg-type]
    return dest


def spool(uploads: Iterable[NamedUpload], root: Path) -> list[Path]:
    """Spool every upload under root; returns the top-level entries to hand to check_paths.

    A dropped folder becomes one top-level folder (so the engine sees level-1/2/3 names);
    loose files and archives stay top-level files.
    """
    for up in uploads:
        spool_one(up, root)
    return sorted(root.iterdir(), key=lambda p: p.name)


def new_spool_dir(base: Path | None = None, prefix: str = "selfcheck-") -> Path:
    """A private folder for one check. `base` should be on real disk: /tmp may be RAM (tmpfs).

    Folders a crashed process left behind for over a day are swept on the way.
    """
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - 86_400
        for old in base.glob(prefix + "*"):
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def remove_tree(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def display_path(path: str | None, root: Path | None) -> str:
    """A finding's path as the teacher knows it: relative to what they dropped."""
    if not path:
        return ""
    if root is not None:
        for base in {str(root), str(root.resolve())}:
            if path.startswith(base):
                return path[len(base):].lstrip("/\\") or path
    return path
