"""Turn what the teacher gave us (files, a folder tree, a ZIP/RAR of it) into one flat list of entries.

Every entry can be opened as a seekable binary stream, whether it lives on disk or inside an
archive, so inspectors never care where a file came from and nothing is extracted to disk.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable

from checks.archives import open_archive
from checks.errors import Unreadable
from checks.findings import ERROR, WARNING, Finding
from checks.sniff import sniff_path

MAX_ENTRIES = 20_000
# Files operating systems and Office leave behind: never part of a work, never "damaged"; the
# report mentions them once (file.ignored, info).
_NOISE_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".localized"}
_NOISE_DIRS = {"__macosx", ".git", "$recycle.bin", ".svn", ".idea", ".vscode"}


@dataclass
class Entry:
    path: str                                # posix, relative to the submission root
    size: int
    opener: Callable[[], BinaryIO]
    in_archive: str | None = None            # display name of the archive holding it
    browser: Any = None                      # checks.media.browser_record.BrowserVideo: known by its
                                             # MediaInfo JSON only (the video stayed in the browser)

    def open(self) -> BinaryIO:
        return self.opener()


@dataclass
class Submission:
    """What was handed in. `origin` is 'folder', 'archive' or 'files'."""
    origin: str
    origin_name: str | None = None           # the folder or archive name as given
    origin_kind: str | None = None           # 'zip' / 'rar' for an archive submission
    browser_media: bool = False              # honour browser MediaInfo records (self-check only)
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)     # leftovers skipped (see is_noise)
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for c in reversed(self._closers):
            try:
                c.close()
            except Exception:  # closing must never mask the report
                pass
        self._closers.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def is_noise(rel_path: str) -> bool:
    """A leftover: macOS resource forks and folders, Windows thumbnails, Office's ~$ lock files."""
    parts = [p.lower() for p in rel_path.split("/")]
    name = parts[-1]
    return (name in _NOISE_NAMES or name.startswith(("._", "~$", ".~lock."))
            or any(p in _NOISE_DIRS for p in parts[:-1]))


def open_submission(paths: list[str | Path], expand_archive: bool = True,
                    browser_media: bool = False) -> Submission:
    """Build the submission. A single archive is opened as the package when expand_archive is set.
    With browser_media, a file on disk that is a browser MediaInfo record becomes the video it
    describes (only the self-check sets it: 初审 must read real files)."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and paths[0].is_dir():
        sub = Submission(origin="folder", origin_name=paths[0].name, browser_media=browser_media)
        _walk_folder(sub, paths[0], paths[0].parent)
        return sub
    if len(paths) == 1 and expand_archive and paths[0].is_file():
        kind = sniff_path(paths[0])
        if kind in ("zip", "rar"):
            return _archive_submission(paths[0], kind)
    sub = Submission(origin="files", browser_media=browser_media)
    for p in paths:
        if p.is_dir():
            _walk_folder(sub, p, p.parent)
        elif is_noise(p.name):
            sub.ignored.append(p.name)
        else:
            _add_file(sub, p, p.name)
    return sub


def _add_file(sub: Submission, path: Path, rel: str) -> None:
    try:
        st = path.lstat()
    except OSError as exc:
        sub.findings.append(Finding("file.readable", ERROR, f"无法读取文件（{exc.strerror}）。", path=rel))
        return
    if stat.S_ISLNK(st.st_mode):
        sub.findings.append(Finding("archive.unsafe", WARNING, "这是一个符号链接，已跳过；请提交文件本身。",
                                    path=rel))
        return
    if sub.browser_media and 0 < st.st_size:
        record = _browser_record(path)
        if record is not None:
            sub.entries.append(Entry(rel, record.size, lambda p=path: open(p, "rb"), browser=record))
            return
    sub.entries.append(Entry(rel, st.st_size, lambda p=path: open(p, "rb")))


def _browser_record(path: Path):
    """The BrowserVideo a record file holds, or None when the file is not a record."""
    from checks.media import browser_record
    try:
        with open(path, "rb") as f:
            if not browser_record.is_record(f.read(len(browser_record.MAGIC))):
                return None
            f.seek(0)
            return browser_record.load(f.read(browser_record.MAX_RECORD_BYTES + len(browser_record.MAGIC) + 1))
    except OSError:
        return None


def _walk_folder(sub: Submission, root: Path, base: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        noise = [d for d in dirnames if d.lower() in _NOISE_DIRS]
        sub.ignored += [(Path(dirpath) / d).relative_to(base).as_posix() + "/" for d in noise]
        dirnames[:] = sorted(d for d in dirnames if d.lower() not in _NOISE_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(base).as_posix()
            if is_noise(rel):
                sub.ignored.append(rel)
                continue
            if len(sub.entries) >= MAX_ENTRIES:
                sub.findings.append(Finding("archive.unsafe", ERROR,
                                            f"文件数量超过 {MAX_ENTRIES} 个，已停止检查。", path=root.name))
                return
            _add_file(sub, full, rel)


def _archive_submission(path: Path, kind: str) -> Submission:
    sub = Submission(origin="archive", origin_name=path.name, origin_kind=kind)
    try:
        arc = open_archive(path, kind=kind, name=path.name)
    except Unreadable as exc:
        sub.findings.append(Finding(exc.rule, ERROR, exc.message, path=path.name))
        return sub
    sub._closers.append(arc)
    for f in arc.findings:
        if f.path is None:
            f.path = path.name
        sub.findings.append(f)
    for m in arc.members:
        if m.is_dir or m.is_link:
            continue
        if is_noise(m.path):
            sub.ignored.append(m.path)
            continue
        sub.entries.append(Entry(m.path, m.size, lambda m=m: arc.open(m), in_archive=path.name))
    return sub
