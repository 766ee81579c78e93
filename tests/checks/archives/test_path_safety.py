"""archive.unsafe for member names that climb out of the extraction folder, in `/` and `\\` form.

A property over every name (Hypothesis), then real archives: a ZIP written with `..\\` names and a
RAR5 whose header is rewritten to carry one (RAR5 stores names as UTF-8 and rarfile keeps a
backslash as it is, so the reader must treat it as a separator itself).
"""
from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.archives import open_archive
from checks.archives.base import decode_name, link_escapes, normalize_path, path_escapes
from checks.errors import Unreadable
from tests.conftest import FIXTURES

SEPARATORS = st.sampled_from(["/", "\\"])
# Ordinary name parts: anything without a separator that is not "..", Chinese included.
PART = st.text(alphabet=st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",)),
               min_size=1, max_size=12).filter(lambda s: s != "..")
SAFE_FIRST = PART.filter(lambda s: not re.match(r"^[A-Za-z]:", s) and s not in (".",))


@st.composite
def climbing_names(draw) -> str:
    """A relative name with at least one '..' part anywhere, parts joined by / or \\ at random."""
    parts = draw(st.lists(PART, max_size=5))
    parts.insert(draw(st.integers(0, len(parts))), "..")
    seps = [draw(SEPARATORS) for _ in parts[1:]]
    return parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))


@st.composite
def safe_names(draw) -> str:
    parts = [draw(SAFE_FIRST)] + draw(st.lists(PART, max_size=5))
    seps = [draw(SEPARATORS) for _ in parts[1:]]
    return parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))


@given(climbing_names())
def test_any_dotdot_part_escapes(name):
    assert path_escapes(name)


@given(SEPARATORS, safe_names())
def test_absolute_paths_escape(sep, name):
    assert path_escapes(sep + name)


@given(st.sampled_from("CDcdZz"), st.sampled_from(["", "/", "\\"]), safe_names())
def test_drive_paths_escape(drive, sep, name):
    assert path_escapes(f"{drive}:{sep}{name}")


@given(safe_names())
def test_ordinary_relative_names_stay_inside(name):
    assert not path_escapes(name)


@pytest.mark.parametrize("name", ["..\\..\\x", "a\\..\\..\\x", "作品\\..\\..\\evil.docx", "..\\x",
                                  "../..\\x", "\\Windows\\x", "C:\\x", "c:x"])
def test_named_windows_forms_escape(name):
    assert path_escapes(name)


@pytest.mark.parametrize("name", ["..a\\b", "a..\\b", "作品\\...\\说明.docx", "a\\b\\c.mp4", "a.\\b"])
def test_dots_inside_a_part_are_not_traversal(name):
    assert not path_escapes(name)


# --- link targets: relative to the link's own folder -----------------------------------------------

LINK_PART = st.sampled_from(["..", ".", "", "b", "c", "作品"])


@st.composite
def link_cases(draw) -> tuple[str, str]:
    folders = draw(st.lists(st.sampled_from(["a", "b", "资源"]), max_size=3))
    member = "/".join([*folders, "link"])
    parts = draw(st.lists(LINK_PART, min_size=1, max_size=6))
    target = parts[0] + "".join(draw(SEPARATORS) + p for p in parts[1:])
    return member, target


@given(link_cases())
def test_link_escapes_exactly_when_its_resolved_target_leaves_the_archive(case):
    member, target = case
    t = target.replace("\\", "/")
    if t.startswith("/"):
        want = True
    else:                                # the oracle: POSIX path arithmetic, not the code under test
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(member), t))
        want = resolved == ".." or resolved.startswith("../")
    assert link_escapes(member, target) is want


@pytest.mark.parametrize("member,target,want", [
    ("a/link", "../x", False), ("a/link", "../../x", True), ("link", "../x", True),
    ("a/b/link", "../../x", False), ("a/b/link", "../../../x", True),
    ("a/link", "b/../../x", False), ("a/link", "b/../../../x", True), ("a/link", "./../x", False),
    ("a/link", "..\\..\\x", True), ("a/link", "/etc/passwd", True), ("a/link", "C:\\x", True),
    ("a/link", "c:x", True), ("a/link", "", False), ("link", "x", False),
], ids=lambda v: v if isinstance(v, str) and v else None)
def test_named_link_targets(member, target, want):
    assert link_escapes(member, target) is want


# --- names as the readers store them -----------------------------------------------------------------

@pytest.mark.parametrize("raw,want", [
    ("a\\b\\c.mp4", "a/b/c.mp4"), ("./a/b/", "a/b"), ("././a", "a"), ("a/./b", "a/./b"),
    ("作品\\说明.docx", "作品/说明.docx"), ("e\u0301.txt", "\u00e9.txt"),      # NFC: e + accent = é
    ("a/XX/", "a/XX"),
], ids=["backslashes", "dot-slash-and-trailing", "repeated-dot-slash", "inner-dot-kept", "chinese",
        "nfc", "only-slashes-stripped"])
def test_normalize_path(raw, want):
    assert normalize_path(raw) == want


NAME = "小学某某学校张三/说明.docx"


@pytest.mark.parametrize("raw,flag,want", [
    (NAME.encode("utf-8"), True, (NAME, "utf-8")),
    (NAME.encode("utf-8"), False, (NAME, "utf-8")),           # macOS: UTF-8 without the flag
    (NAME.encode("gbk"), False, (NAME, "gb18030")),           # Chinese Windows
    (NAME.encode("gbk"), True, (NAME, "gb18030")),            # a false flag does not win
    (b"\x81\x30\xff\xfe.txt", False, ("\u00fc0\u00a0\u25a0.txt", "cp437")),   # neither: cp437 never fails
], ids=["utf8-flagged", "utf8-unflagged", "gbk", "gbk-false-flag", "cp437"])
def test_decode_name(raw, flag, want):
    assert decode_name(raw, flag) == want


# --- a real ZIP ------------------------------------------------------------------------------------

BACKSLASH_NAMES = ["..\\..\\evil.txt", "作品\\..\\..\\..\\evil2.txt", "C:\\Windows\\evil3.txt",
                   "\\root\\evil4.txt"]


def test_zip_with_backslash_traversal_names_is_refused(tmp_path):
    path = tmp_path / "反斜杠.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("作品/说明.txt", "正常文件".encode())
        for name in BACKSLASH_NAMES:
            zf.writestr(zipfile.ZipInfo(name), b"escaped")
    with zipfile.ZipFile(path) as zf:                    # the backslashes really are in the file
        assert [i.filename for i in zf.infolist()][1:] == BACKSLASH_NAMES
    with open_archive(path) as arc:
        unsafe = [f for f in arc.findings if f.rule == "archive.unsafe"]
        assert [(f.level, f.message.split("，")[0]) for f in unsafe] == [
            ("error", f"压缩包中有 {len(BACKSLASH_NAMES)} 个文件的路径会跳出解压目录（含“..”、绝对路径或盘符）")]
        assert sorted(m.path for m in arc.members if m.unsafe == "path") == sorted(
            n.replace("\\", "/") for n in BACKSLASH_NAMES)
        for m in arc.members:
            if m.unsafe == "path":
                with pytest.raises(Unreadable) as e:
                    arc.open(m)
                assert e.value.rule == "archive.unsafe" and "跳出解压目录" in str(e.value)
        assert arc.read(arc.get("作品/说明.txt")) == "正常文件".encode()


# --- a real RAR5 with a `..\` name ----------------------------------------------------------------

def _vint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _rar5_rename(data: bytes, old: bytes, new: bytes) -> bytes:
    """Rewrite one member name of a RAR5 file (same length) and fix its header's CRC32."""
    assert len(old) == len(new) and data.count(old) == 1
    at = data.index(old)
    pos = 8                                              # after the RAR5 signature
    while pos < len(data):
        size, body = _vint(data, pos + 4)
        end = body + size
        if pos < at < end:
            patched = bytearray(data)
            patched[at:at + len(old)] = new
            struct.pack_into("<I", patched, pos, zlib.crc32(bytes(patched[pos + 4:end])))
            return bytes(patched)
        _, p = _vint(data, body)                         # block type
        flags, p = _vint(data, p)
        if flags & 1:
            _, p = _vint(data, p)                        # extra area size
        data_size = _vint(data, p)[0] if flags & 2 else 0
        pos = end + data_size
    raise AssertionError("name not found in any header")


def test_rar5_with_backslash_traversal_name_is_refused(tmp_path):
    src = (FIXTURES / "rar" / "rar5-subdirs.rar").read_bytes()
    evil = "..\\..\\..\\file2.txt"
    path = tmp_path / "反斜杠.rar"
    path.write_bytes(_rar5_rename(src, b"sub/dir2/file2.txt", evil.encode()))
    import rarfile
    with rarfile.RarFile(str(path)) as rf:               # a valid RAR that really names `..\`
        assert evil in rf.namelist()
    with open_archive(path) as arc:
        assert arc.readable
        bad = [m for m in arc.members if m.unsafe == "path"]
        assert [m.path for m in bad] == ["../../../file2.txt"]
        assert [(f.rule, f.level) for f in arc.findings if f.rule == "archive.unsafe"] == [
            ("archive.unsafe", "error")]
        with pytest.raises(Unreadable) as e:
            arc.open(bad[0])
        assert e.value.rule == "archive.unsafe"
        assert arc.read(arc.get("sub/dir1/file1.txt"))          # the other members still read


def test_rar5_sample_untouched_is_safe():
    with open_archive(FIXTURES / "rar" / "rar5-subdirs.rar") as arc:
        assert not arc.unsafe and not [m for m in arc.members if m.unsafe]
