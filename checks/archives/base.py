"""Safe reading of ZIP and RAR packages: list members, judge safety, open members as streams.

Nothing is ever extracted to disk under its own name. `open_archive` turns structural problems
(corrupt, encrypted, multi-volume, hostile) into findings on `Archive.findings`; `Archive.open`
raises `Unreadable` for a member that cannot or must not be read. Nested archives are the
engine's job: a member stream can be passed back to `open_archive`.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from checks.errors import Unreadable
from checks.findings import ERROR, INFO, WARNING, Finding
from checks.zipdir import MAX_MEMBERS

# Caps. Contest packages are at most a few GB with at most a few thousand files.
MAX_TOTAL_BYTES = 8 * 1024**3          # declared uncompressed total
MAX_MEMBER_BYTES = 2 * 1024**3         # real bytes we will ever decompress from one member
MAX_RATIO = 500                        # deflate tops out near 1030:1; real files stay far lower
RATIO_MIN_SIZE = 32 * 1024**2          # small members may compress absurdly well (blank text)
TOOL_TIMEOUT_S = 120                   # one unar/lsar run

RULE_UNSAFE = "archive.unsafe"
RULE_ENCODING = "archive.encoding"
RULE_READABLE = "file.readable"

FIX_REPACK = "请在自己的电脑上把文件夹直接拖进压缩软件重新压缩后再提交"


@dataclass
class Member:
    path: str                         # decoded, NFC, forward slashes, no trailing slash
    size: int                         # uncompressed size as declared by the header
    compressed_size: int
    is_dir: bool = False
    is_link: bool = False             # symlink, hardlink or junction
    stored: bool = False              # no compression: readable as a byte range
    encrypted: bool = False
    encoding: str = "utf-8"           # how the name was decoded: utf-8, gb18030, cp437, ...
    index: int = 0                    # position in the archive's own listing
    link_target: str | None = None
    unsafe: str | None = None         # Chinese reason when this member must not be opened
    raw: Any = field(default=None, repr=False)   # backend handle (ZipInfo, RarInfo)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def key(self) -> str:
        """For matching only (never display): NFKC folds full-width ＋ to +, etc."""
        return unicodedata.normalize("NFKC", self.path).casefold()


def fmt_size(n: int) -> str:
    for unit, div in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} 字节"


def normalize_path(name: str) -> str:
    p = unicodedata.normalize("NFC", name.replace("\\", "/"))
    while p.startswith("./"):
        p = p[2:]
    return p.rstrip("/")


def decode_name(raw: bytes, utf8_flag: bool) -> tuple[str, str]:
    """Name bytes → (text, encoding). Flag → UTF-8; else strict UTF-8 (macOS omits the flag);
    else GB18030 (Chinese Windows); else cp437, which never fails."""
    if utf8_flag:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return raw.decode("cp437"), "cp437"


_DRIVE = re.compile(r"^[A-Za-z]:")


def path_escapes(raw_name: str) -> bool:
    """True when extracting this name would land outside the target folder."""
    p = raw_name.replace("\\", "/")
    if p.startswith("/") or _DRIVE.match(p):
        return True
    return any(part == ".." for part in p.split("/"))


def link_escapes(member_path: str, target: str) -> bool:
    t = target.replace("\\", "/")
    if t.startswith("/") or _DRIVE.match(t):
        return True
    depth = member_path.count("/")       # folders above the link inside the archive
    for part in t.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


class Archive:
    """A listed archive. Subclasses fill members/findings and implement `_open`."""

    kind = "archive"

    def __init__(self, name: str | None):
        self.name = name
        self.members: list[Member] = []
        self.findings: list[Finding] = []
        self._closers: list[Any] = []

    # -- findings -----------------------------------------------------------------------------
    def _finding(self, rule: str, level: str, message: str, *, actual: str | None = None,
                 expected: str | None = None, fix: str | None = None) -> Finding:
        f = Finding(rule=rule, level=level, message=message, path=self.name,
                    actual=actual, expected=expected, fix=fix)
        self.findings.append(f)
        return f

    def _unreadable(self, message: str, detail: str | None = None, fix: str | None = None) -> None:
        self._finding(RULE_READABLE, ERROR, message, actual=detail, fix=fix)

    @property
    def readable(self) -> bool:
        return not any(f.rule == RULE_READABLE and f.level == ERROR for f in self.findings)

    @property
    def unsafe(self) -> bool:
        return any(f.rule == RULE_UNSAFE for f in self.findings)

    def _judge(self) -> None:
        """Safety and encoding findings over the whole listing (after `members` is filled)."""
        files = [m for m in self.members if not m.is_dir]
        bad_paths = [m for m in self.members if m.unsafe == "path"]
        if bad_paths:
            sample = "、".join(f"“{m.path}”" for m in bad_paths[:3])
            self._finding(RULE_UNSAFE, ERROR,
                          f"压缩包中有 {len(bad_paths)} 个文件的路径会跳出解压目录（含“..”、绝对路径或盘符），"
                          f"例如 {sample}；这样的压缩包不安全，不予解压。",
                          actual=bad_paths[0].path, fix=FIX_REPACK)
        links = [m for m in self.members if m.is_link]
        if links:
            sample = "、".join(f"“{m.path}” → “{m.link_target or '?'}”" for m in links[:3])
            escaping = [m for m in links if m.link_target and link_escapes(m.path, m.link_target)]
            extra = f"其中 {len(escaping)} 个指向压缩包以外；" if escaping else ""
            self._finding(RULE_UNSAFE, ERROR,
                          f"压缩包中有 {len(links)} 个链接文件（符号链接/硬链接），例如 {sample}；{extra}"
                          "解压时可能写到别处，不予解压。请删除链接，放入真实文件后重新压缩。",
                          actual=links[0].path, fix=FIX_REPACK)
        if len(self.members) > MAX_MEMBERS:
            self._finding(RULE_UNSAFE, ERROR,
                          f"压缩包内有 {len(self.members)} 个条目，超过上限 {MAX_MEMBERS}，疑似恶意压缩包。",
                          actual=str(len(self.members)), expected=f"≤ {MAX_MEMBERS}")
        total = sum(m.size for m in files)
        if total > MAX_TOTAL_BYTES:
            self._finding(RULE_UNSAFE, ERROR,
                          f"压缩包声明的解压后总大小为 {fmt_size(total)}，超过上限 {fmt_size(MAX_TOTAL_BYTES)}，"
                          "疑似“压缩炸弹”。",
                          actual=str(total), expected=f"≤ {MAX_TOTAL_BYTES}")
            for m in files:
                m.unsafe = m.unsafe or "total"
        bombs = [m for m in files if m.size >= RATIO_MIN_SIZE
                 and m.size > MAX_RATIO * max(1, m.compressed_size)]
        for m in bombs:
            m.unsafe = m.unsafe or "ratio"
        if bombs:
            m = bombs[0]
            ratio = m.size // max(1, m.compressed_size)
            self._finding(RULE_UNSAFE, ERROR,
                          f"“{m.path}”压缩前 {fmt_size(m.compressed_size)}、声明解压后 {fmt_size(m.size)}"
                          f"（压缩比约 {ratio}:1），远超正常文件，疑似“压缩炸弹”，不予解压。",
                          actual=f"{ratio}:1", expected=f"≤ {MAX_RATIO}:1")
        huge = [m for m in files if m.size > MAX_MEMBER_BYTES and not m.unsafe]
        for m in huge:
            m.unsafe = "size"
        gbk = [m for m in self.members if m.encoding == "gb18030"]
        odd = [m for m in self.members if m.encoding == "cp437"]
        if gbk or odd:
            level = WARNING if odd else INFO
            sample = "、".join(f"“{m.path}”" for m in (gbk or odd)[:3])
            msg = (f"压缩包中 {len(gbk)} 个文件名按 GBK/GB18030 编码识别（中文 Windows 的压缩软件常这样保存，"
                   f"在 Mac、Linux 或网页上解压可能显示为乱码），例如 {sample}。")
            if odd:
                msg += f"另有 {len(odd)} 个文件名无法识别编码，可能显示为乱码。"
            self._finding(RULE_ENCODING, level, msg, actual="gb18030" if gbk else "unknown",
                          expected="utf-8",
                          fix="可用 7-Zip 或 Bandizip 重新压缩（文件名使用 UTF-8 编码）")

    # -- reading ------------------------------------------------------------------------------
    def open(self, member: Member) -> BinaryIO:
        """A seekable binary stream of the member's bytes (bounded memory)."""
        if member.is_dir:
            raise Unreadable(f"“{member.path}”是文件夹，不是文件。")
        if member.unsafe == "path":
            raise Unreadable(f"“{member.path}”的路径会跳出解压目录，不予读取。", rule=RULE_UNSAFE)
        if member.is_link:
            raise Unreadable(f"“{member.path}”是链接文件，不予读取。", rule=RULE_UNSAFE)
        if member.unsafe in ("ratio", "total"):
            raise Unreadable(f"“{member.path}”疑似“压缩炸弹”（声明解压后 {fmt_size(member.size)}），不予解压。",
                             rule=RULE_UNSAFE)
        if member.unsafe == "size":
            raise Unreadable(f"“{member.path}”解压后 {fmt_size(member.size)}，超过可检查的上限 "
                             f"{fmt_size(MAX_MEMBER_BYTES)}。", rule=RULE_UNSAFE)
        if member.encrypted:
            raise Unreadable(f"“{member.path}”设置了密码，无法读取。请去掉密码后重新压缩。")
        if member.size == 0:
            return io.BytesIO(b"")
        return self._open(member)

    def _open(self, member: Member) -> BinaryIO:
        raise NotImplementedError

    def read(self, member: Member, limit: int = 64 * 1024 * 1024) -> bytes:
        """Whole member bytes, for small members only."""
        with self.open(member) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise Unreadable(f"“{member.path}”超过 {fmt_size(limit)}，不能整体读入。", rule=RULE_UNSAFE)
        return data

    def get(self, path: str) -> Member | None:
        p = normalize_path(path)
        return next((m for m in self.members if m.path == p), None)

    def close(self) -> None:
        while self._closers:
            c = self._closers.pop()
            try:
                c()
            except Exception:   # closing must never mask the caller's own error
                pass

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
