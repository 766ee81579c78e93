"""ZIP reading: listing via zipfile, members as range views (stored) or capped inflaters."""
from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from typing import BinaryIO, Iterator

from checks.archives.base import (MAX_MEMBERS, RULE_UNSAFE, Archive, Member, decode_name, fmt_size,
                             normalize_path, path_escapes)
from checks.errors import Unreadable
from checks.zipdir import MAX_CENTRAL_DIR, central_dir_stats
from checks.findings import ERROR
from checks.archives.rangefile import RangeFile, SpoolStream, stream_size

_UNICODE_PATH_EXTRA = 0x7075       # Info-ZIP: UTF-8 copy of a legacy-encoded name
_CHUNK = 256 * 1024
_OUT_STEP = 1024 * 1024

CORRUPT_MSG = "压缩包已损坏或不完整（可能上传或复制时中断），无法读取其中的文件。"
CORRUPT_FIX = "请重新压缩并重新上传；上传前可先在本机双击打开压缩包确认能正常解压"


def _unicode_path(zi: zipfile.ZipInfo, raw: bytes) -> str | None:
    extra, i = zi.extra, 0
    while i + 4 <= len(extra):
        tag, ln = struct.unpack("<HH", extra[i:i + 4])
        body = extra[i + 4:i + 4 + ln]
        if tag == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            if struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
        i += 4 + ln
    return None


class ZipArchive(Archive):
    kind = "zip"

    def __init__(self, stream: BinaryIO, name: str | None):
        super().__init__(name)
        self._stream = stream
        self._zf: zipfile.ZipFile | None = None
        try:
            self._list()
        except Unreadable:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                UnicodeDecodeError, NotImplementedError, RuntimeError, struct.error) as e:
            self.members = []
            self._unreadable(CORRUPT_MSG, detail=f"{type(e).__name__}: {e}", fix=CORRUPT_FIX)

    def _list(self) -> None:
        stats = central_dir_stats(self._stream)
        if stats and (stats[0] > MAX_MEMBERS or stats[1] > MAX_CENTRAL_DIR):
            self._finding(RULE_UNSAFE, ERROR,
                          f"压缩包声明有 {stats[0]} 个条目（目录区 {fmt_size(stats[1])}），超过上限 {MAX_MEMBERS}，"
                          "疑似恶意压缩包，不予解压。", actual=str(stats[0]), expected=f"≤ {MAX_MEMBERS}")
            return
        self._stream.seek(0)
        self._zf = zipfile.ZipFile(self._stream)
        self._closers.append(self._zf.close)
        for i, zi in enumerate(self._zf.infolist()):
            self.members.append(self._member(i, zi))
        locked = [m for m in self.members if m.encrypted]
        if locked:
            self._unreadable(f"压缩包设置了密码（{len(locked)} 个文件已加密），无法检查其中的文件。",
                             detail=locked[0].path, fix="请去掉密码后重新压缩再提交")
        self._judge()

    def _member(self, i: int, zi: zipfile.ZipInfo) -> Member:
        utf8 = bool(zi.flag_bits & 0x800)
        # zipfile decoded flagless names as cp437, which maps every byte: undo it losslessly.
        raw = zi.orig_filename.encode("utf-8" if utf8 else "cp437")
        uni = None if utf8 else _unicode_path(zi, raw)
        text, enc = (uni, "utf-8") if uni is not None else decode_name(raw, utf8)
        mode = zi.external_attr >> 16
        is_link = zi.create_system == 3 and stat.S_ISLNK(mode)
        m = Member(path=normalize_path(text), size=zi.file_size, compressed_size=zi.compress_size,
                   is_dir=text.endswith(("/", "\\")) or (zi.create_system == 3 and stat.S_ISDIR(mode)),
                   is_link=is_link, stored=zi.compress_type == zipfile.ZIP_STORED,
                   encrypted=bool(zi.flag_bits & 0x1), encoding=enc, index=i, raw=zi)
        if path_escapes(text):
            m.unsafe = "path"
        if is_link:
            m.link_target = self._link_target(zi)
        return m

    def _link_target(self, zi: zipfile.ZipInfo) -> str | None:
        if zi.file_size > 4096 or zi.flag_bits & 0x1:
            return None
        try:
            return self._zf.read(zi).decode("utf-8", "replace")
        except Exception:   # a broken link body only loses detail in the message
            return None

    def _data_offset(self, zi: zipfile.ZipInfo) -> int:
        self._stream.seek(zi.header_offset)
        hdr = self._stream.read(30)
        if len(hdr) < 30 or hdr[:4] != b"PK\x03\x04":
            raise Unreadable(f"{CORRUPT_MSG}（“{zi.filename}”的文件头损坏）", detail="bad local header")
        n, m = struct.unpack("<HH", hdr[26:30])
        return zi.header_offset + 30 + n + m

    def _open(self, member: Member) -> BinaryIO:
        zi: zipfile.ZipInfo = member.raw
        start = self._data_offset(zi)
        if start + zi.compress_size > stream_size(self._stream):
            raise Unreadable(f"“{member.path}”的数据不完整（压缩包被截断）。", detail="truncated member")
        cap_msg = (f"“{member.path}”实际解压出的数据超过了文件头声明的 {fmt_size(member.size)}，"
                   "疑似“压缩炸弹”，已停止解压。")
        if zi.compress_type == zipfile.ZIP_STORED:
            if zi.compress_size != zi.file_size:
                raise Unreadable(f"“{member.path}”的大小信息自相矛盾，压缩包已损坏。", detail="stored size mismatch")
            return RangeFile(self._stream, start, zi.file_size)
        if zi.compress_type == zipfile.ZIP_DEFLATED:
            return SpoolStream(self._inflate(member, start), member.size, cap_message=cap_msg)
        try:
            src = self._zf.open(zi)
        except NotImplementedError as e:
            raise Unreadable(f"“{member.path}”使用了不支持的压缩方式（编号 {zi.compress_type}），无法读取。"
                             "请用“标准/Deflate”方式重新压缩。", detail=str(e)) from e
        return SpoolStream(self._chunks(member, src), member.size, cap_message=cap_msg, on_close=src.close)

    def _inflate(self, member: Member, start: int) -> Iterator[bytes]:
        """Raw deflate counted by real output, so a header that lies about the size cannot bomb."""
        zi: zipfile.ZipInfo = member.raw
        src = RangeFile(self._stream, start, zi.compress_size)
        d = zlib.decompressobj(-15)
        crc = total = 0
        try:
            while not d.eof:
                buf = d.unconsumed_tail or src.read(_CHUNK)
                out = d.decompress(buf, _OUT_STEP) if buf else d.flush()
                if out:
                    total += len(out)
                    crc = zlib.crc32(out, crc)
                    yield out
                elif not buf:
                    break
        except zlib.error as e:
            raise Unreadable(f"“{member.path}”的压缩数据已损坏，无法解压。", detail=str(e)) from e
        if not d.eof:
            raise Unreadable(f"“{member.path}”的数据不完整（压缩包被截断或损坏）。", detail="deflate stream ended early")
        if total != zi.file_size or crc != zi.CRC:
            raise Unreadable(f"“{member.path}”解压后的校验不符，压缩包已损坏。",
                             detail=f"size {total} vs {zi.file_size}, crc {crc:08x} vs {zi.CRC:08x}")

    @staticmethod
    def _chunks(member: Member, src) -> Iterator[bytes]:
        try:
            while True:
                buf = src.read(_CHUNK)
                if not buf:
                    return
                yield buf
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as e:
            raise Unreadable(f"“{member.path}”的压缩数据已损坏，无法解压。", detail=str(e)) from e
