"""RAR reading: listing via rarfile (pure Python), stored members as byte ranges, compressed ones
through libarchive (RAR5 incl. solid, RAR4 non-solid) or `unar` (RAR4 solid), spooled and capped.

Measured on the rarfile test archives: libarchive 3.7 reads every RAR5 sample but fails on the
second member of a solid RAR4 ("RAR solid archive support unavailable"); unar 1.10 reads RAR4
(solid too) but not RAR5. Neither reads encrypted members, which we never try.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from typing import BinaryIO, Iterator

import libarchive
import rarfile

from checks.archives.base import (MAX_MEMBERS, TOOL_TIMEOUT_S, Archive, Member, decode_name, fmt_size,
                             normalize_path, path_escapes)
from checks.errors import Unreadable
from checks.archives.rangefile import RangeFile, SpoolStream, stream_size

_CHUNK = 256 * 1024
_LINK_REDIRS = (rarfile.RAR5_XREDIR_UNIX_SYMLINK, rarfile.RAR5_XREDIR_WINDOWS_SYMLINK,
                rarfile.RAR5_XREDIR_WINDOWS_JUNCTION, rarfile.RAR5_XREDIR_HARD_LINK)
_SPLIT = rarfile.RAR_FILE_SPLIT_BEFORE | rarfile.RAR_FILE_SPLIT_AFTER

CORRUPT_MSG = "RAR 压缩包已损坏或不完整（可能上传或复制时中断），无法读取其中的文件。"
VOLUME_MSG = ("这是分卷压缩包中的一卷（文件名常为 *.part1.rar、*.part2.rar…），无法单独检查；"
              "请解压后重新压缩，合并为一个 RAR 压缩包再提交。")
PASSWORD_FIX = "请去掉密码后重新压缩再提交"


class _TooMany(Exception):
    pass


class _CallbackView(RangeFile):
    """libarchive calls readinto from C: an exception there is swallowed and leaves libarchive
    with garbage (we saw a segfault), so report a failed read as end of data instead."""

    def readinto(self, buf) -> int:
        try:
            return super().readinto(buf)
        except Exception:
            return 0




class RarArchive(Archive):
    kind = "rar"

    def __init__(self, stream: BinaryIO, name: str | None, path: str | None = None):
        super().__init__(name)
        self._stream = stream
        self._path = path
        self._size = stream_size(stream)
        stream.seek(0)
        self.is_rar5 = stream.read(8) == b"Rar!\x1a\x07\x01\x00"
        self._tmp_path: str | None = None
        self._lsar_index: dict[str, list[int]] | None = None
        self._rf: rarfile.RarFile | None = None
        self._list()

    # -- listing ------------------------------------------------------------------------------
    def _list(self) -> None:
        count = 0

        def on_entry(_h) -> None:
            nonlocal count
            count += 1
            if count > MAX_MEMBERS:
                raise _TooMany()

        self._stream.seek(0)
        try:
            rf = rarfile.RarFile(self._stream, charset="gb18030", info_callback=on_entry)
        except _TooMany:
            self._finding("archive.unsafe", "error",
                          f"压缩包内条目超过上限 {MAX_MEMBERS}，疑似恶意压缩包，不予解压。",
                          expected=f"≤ {MAX_MEMBERS}")
            return
        except rarfile.NeedFirstVolume as e:
            self._unreadable(VOLUME_MSG, detail=str(e), fix="在 WinRAR 中不要勾选“切分为分卷”")
            return
        except rarfile.PasswordRequired as e:
            self._unreadable("压缩包设置了密码，无法检查其中的文件。", detail=str(e), fix=PASSWORD_FIX)
            return
        except (rarfile.Error, OSError, EOFError, ValueError, IndexError, KeyError, UnicodeError) as e:
            self._unreadable(CORRUPT_MSG, detail=f"{type(e).__name__}: {e}")
            return
        self._rf = rf
        self._closers.append(rf.close)
        infos = rf.infolist()
        if rf.needs_password() and not infos:
            self._unreadable("压缩包设置了密码（连文件名也已加密），无法检查其中的文件。",
                             detail="header encryption", fix=PASSWORD_FIX)
            return
        for i, inf in enumerate(infos):
            self.members.append(self._member(i, inf))
        cut = [m for m in self.members if not m.is_dir and m.raw.data_offset is not None
               and m.raw.data_offset + (m.raw.compress_size or 0) > self._size]
        for m in cut:
            m.unsafe = m.unsafe or "truncated"
        if cut:
            self._unreadable(f"{CORRUPT_MSG}（“{cut[0].path}”等 {len(cut)} 个文件的数据被截断）",
                             detail="member data past end of file")
        main = getattr(getattr(rf, "_file_parser", None), "_main", None)
        is_volume = bool(main is not None and main.flags & rarfile.RAR_MAIN_VOLUME)
        split = [m for m in self.members if m.raw.flags & _SPLIT]
        if is_volume or split:
            for m in split:
                m.unsafe = m.unsafe or "volume"
            self._unreadable(VOLUME_MSG, detail=split[0].path if split else "volume flag",
                             fix="在 WinRAR 中不要勾选“切分为分卷”")
        locked = [m for m in self.members if m.encrypted]
        if locked:
            self._unreadable(f"压缩包设置了密码（{len(locked)} 个文件已加密），无法检查其中的文件。",
                             detail=locked[0].path, fix=PASSWORD_FIX)
        self._judge()

    def _member(self, i: int, inf) -> Member:
        text, enc = inf.filename, "utf-8"
        if not self.is_rar5 and not inf.flags & rarfile.RAR_FILE_UNICODE and inf.orig_filename:
            # Legacy RAR4 names are in the packer's code page: GBK on Chinese Windows.
            text, enc = decode_name(inf.orig_filename, False)
            text = text.replace("\\", "/")
        redir = inf.file_redir
        is_link = bool(inf.is_symlink() or (redir and redir[0] in _LINK_REDIRS))
        m = Member(path=normalize_path(text), size=inf.file_size or 0,
                   compressed_size=inf.compress_size or 0, is_dir=inf.is_dir(), is_link=is_link,
                   stored=(inf.compress_type == rarfile.RAR_M0 and not redir
                           and not inf.needs_password() and not is_link),
                   encrypted=inf.needs_password(), encoding=enc, index=i, raw=inf)
        if path_escapes(text):
            m.unsafe = "path"
        if redir:
            m.link_target = redir[2]
        elif is_link:
            m.link_target = self._small_body(inf)
        return m

    def _small_body(self, inf) -> str | None:
        """A RAR4 symlink keeps its target as the member's (tiny, stored) data."""
        if inf.compress_type != rarfile.RAR_M0 or inf.file_size > 4096 or inf.needs_password():
            return None
        with RangeFile(self._stream, inf.data_offset, inf.compress_size) as f:
            return f.read().decode("utf-8", "replace")

    # -- reading ------------------------------------------------------------------------------
    def _open(self, member: Member) -> BinaryIO:
        inf = member.raw
        if member.unsafe == "volume":
            raise Unreadable(f"“{member.path}”被切分在多个分卷中，无法单独读取。")
        if member.unsafe == "truncated":
            raise Unreadable(f"“{member.path}”的数据不完整（压缩包被截断）。", detail="truncated member")
        if inf.file_redir and inf.file_redir[0] == rarfile.RAR5_XREDIR_FILE_COPY:
            # RAR5 stores duplicates once; the copy points at the first occurrence.
            target = next((m for m in self.members if m.path == normalize_path(inf.file_redir[2])
                           and not m.raw.file_redir), None)
            if target is None:
                raise Unreadable(f"“{member.path}”是重复文件的引用，但找不到原文件，压缩包已损坏。")
            return self.open(target)
        cap_msg = (f"“{member.path}”实际解压出的数据超过了文件头声明的 {fmt_size(member.size)}，"
                   "疑似“压缩炸弹”，已停止解压。")
        if member.stored:
            if inf.compress_size != inf.file_size or inf.data_offset + inf.compress_size > self._size:
                raise Unreadable(f"“{member.path}”的数据不完整（压缩包被截断或损坏）。", detail="stored range")
            return RangeFile(self._stream, inf.data_offset, inf.file_size)
        return SpoolStream(self._decompress(member), member.size, cap_message=cap_msg)

    def _occurrence(self, member: Member) -> int:
        return sum(1 for m in self.members[:member.index] if m.path == member.path)

    def _decompress(self, member: Member) -> Iterator[bytes]:
        produced = 0
        try:
            for block in self._libarchive_blocks(member):
                produced += len(block)
                yield block
            if produced != member.size:
                raise Unreadable(f"“{member.path}”解压后的大小与记录不符，压缩包已损坏。",
                                 detail=f"libarchive gave {produced} of {member.size} bytes")
            return
        except libarchive.ArchiveError as e:
            if produced or self.is_rar5:
                raise Unreadable(f"“{member.path}”解压失败，压缩包可能已损坏。", detail=str(e)) from e
            la_error = str(e)
        # RAR4 solid archives: libarchive gives up, unar copes.
        try:
            yield from self._unar_blocks(member)
        except Unreadable as e:
            e.detail = f"libarchive: {la_error}; unar: {e.detail}"
            raise

    def _own_view(self) -> BinaryIO:
        """libarchive seeks on its own: give it a private position over the same bytes."""
        return _CallbackView(self._stream, 0, self._size)

    def _libarchive_blocks(self, member: Member) -> Iterator[bytes]:
        want, seen = self._occurrence(member), 0
        with self._own_view() as view, libarchive.stream_reader(view) as arc:
            for entry in arc:
                if normalize_path(entry.pathname or "") != member.path:
                    continue
                if seen < want:
                    seen += 1
                    continue
                for block in entry.get_blocks(_CHUNK):
                    yield block
                return
        raise libarchive.ArchiveError(f"entry {member.path!r} not found")

    def _disk_path(self) -> str:
        """unar wants a file name: the archive itself, or a private copy of a nested one."""
        if self._path:
            return self._path
        if self._tmp_path is None:
            fd, tmp = tempfile.mkstemp(suffix=".rar")
            self._closers.append(lambda: os.unlink(tmp))
            with os.fdopen(fd, "wb") as out, self._own_view() as src:
                shutil.copyfileobj(src, out, _CHUNK)
            self._tmp_path = tmp
        return self._tmp_path

    def _unar_index(self, member: Member) -> int:
        if self._lsar_index is None:
            try:
                res = subprocess.run(["lsar", "-j", self._disk_path()], stdin=subprocess.DEVNULL,
                                     capture_output=True, timeout=TOOL_TIMEOUT_S, check=False)
                listing = json.loads(res.stdout.decode("utf-8", "replace"))
            except (OSError, subprocess.TimeoutExpired, ValueError) as e:
                raise Unreadable(f"“{member.path}”解压失败（无法列出压缩包内容）。", detail=str(e)) from e
            index: dict[str, list[int]] = {}
            for item in listing.get("lsarContents", []):
                index.setdefault(normalize_path(str(item.get("XADFileName", ""))), []).append(
                    int(item.get("XADIndex", -1)))
            self._lsar_index = index
        hits = self._lsar_index.get(member.path, [])
        k = self._occurrence(member)
        if k >= len(hits):
            raise Unreadable(f"“{member.path}”解压失败（解压工具找不到该文件）。", detail="not in lsar listing")
        return hits[k]

    def _unar_blocks(self, member: Member) -> Iterator[bytes]:
        idx = self._unar_index(member)
        err = tempfile.TemporaryFile()
        try:
            proc = subprocess.Popen(["unar", "-q", "-o", "-", "-nr", "-i", self._disk_path(), str(idx)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        except OSError as e:
            err.close()
            raise Unreadable(f"“{member.path}”解压失败（缺少解压工具 unar）。", detail=str(e)) from e
        timer = threading.Timer(TOOL_TIMEOUT_S, proc.kill)
        timer.start()
        total = 0
        try:
            while True:
                buf = proc.stdout.read(_CHUNK)
                if not buf:
                    break
                total += len(buf)
                yield buf
            rc = proc.wait()
            if rc != 0 or total != member.size:
                err.seek(0)
                why = err.read(2000).decode("utf-8", "replace").strip()
                if not timer.is_alive() and rc != 0:
                    why = f"timed out after {TOOL_TIMEOUT_S}s"
                raise Unreadable(f"“{member.path}”解压失败，压缩包可能已损坏。",
                                 detail=f"unar rc={rc} bytes={total}: {why}")
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            err.close()
