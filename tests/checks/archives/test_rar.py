"""RAR reading on the real RAR3/RAR5 samples from rarfile's test suite (tests/fixtures/rar)."""
from __future__ import annotations

import io
import re
import zipfile
import zlib

import pytest

from checks.archives import open_archive
from checks.errors import Unreadable
from tests.conftest import FIXTURES
from checks.archives.rangefile import RangeFile, SpoolStream
from samplegen.archives import make_zip

RAR = FIXTURES / "rar"
READABLE = ["rar3-comment-plain", "rar3-solid", "rar3-subdirs", "rar5-blake", "rar5-crc", "rar5-dups",
            "rar5-solid", "rar5-solid-qo", "rar5-subdirs"]


def expected(sample: str) -> list[tuple[str, int, int | None, bool]]:
    """(name, size, crc or None, is a FILE_COPY) per entry of the .exp listing."""
    out = []
    for block in re.split(r"\n(?=R5_FILE|FILE)", (RAR / f"{sample}.rar.exp").read_text())[1:]:
        name = re.search(r"^\s+name=(.*)$", block, re.M).group(1)
        size = int(re.search(r"dec=(\d+)", block).group(1))
        crc = re.search(r"crc=0x([0-9a-f]{8})", block)
        out.append((name, size, int(crc.group(1), 16) if crc else None, "FILE_COPY" in block))
    return out


def listing(arc) -> list[str]:
    return [m.path + ("/" if m.is_dir else "") for m in arc.members]


def rules(arc):
    return sorted({(f.rule, f.level) for f in arc.findings})


@pytest.mark.parametrize("sample", READABLE)
def test_listing_and_content_match_the_exp_files(sample):
    exp = expected(sample)
    with open_archive(RAR / f"{sample}.rar") as arc:
        assert arc.findings == []
        assert listing(arc) == [e[0] for e in exp]
        for m, (name, size, crc, is_copy) in zip(arc.members, exp):
            assert m.size == size
            if m.is_dir:
                continue
            with arc.open(m) as f:
                data = f.read()
            assert len(data) == size
            if crc and not is_copy:
                assert zlib.crc32(data) == crc, name
            if is_copy:            # RAR5 stores duplicates once; the copy reads like the original
                assert data == arc.read(arc.get("stest1.txt"))


def test_stored_and_compressed_members_take_the_right_path():
    with open_archive(RAR / "rar5-blake.rar") as arc:
        comp, stored = arc.members
        assert not comp.stored and stored.stored and comp.compressed_size == 55
        with arc.open(stored) as f:
            assert isinstance(f, RangeFile)
            f.seek(-4, io.SEEK_END)
            assert f.read() == b"511\n"
            f.seek(4)
            assert f.read(4) == b"001\n"
        with arc.open(comp) as f:
            assert isinstance(f, SpoolStream)
            f.seek(-4, io.SEEK_END)
            assert f.read() == b"511\n"
            f.seek(0)
            assert f.read(8) == b"000\n001\n"


def test_rar3_solid_second_member_needs_unar_and_reads():
    with open_archive(RAR / "rar3-solid.rar") as arc:
        first, second = arc.members
        assert second.raw.flags & 0x10                    # SOLID: depends on the first member
        assert zlib.crc32(arc.read(second)) == 0xC5B7E6A2
        assert arc.read(first) == arc.read(second)


def test_unicode_subdir_names_are_nfc():
    with open_archive(RAR / "rar5-subdirs.rar") as arc:
        m = arc.get("sub/üȵĩöḋè/file.txt")
        assert m is not None and arc.read(m) == b"file\n"
        assert arc.get("sub/empty").is_dir


@pytest.mark.parametrize("sample,target", [("rar5-evil-symlink-traversal", ".."),
                                           ("rar3-symlink-unix", "../random123")])
def test_symlinks_are_unsafe(sample, target):
    with open_archive(RAR / f"{sample}.rar") as arc:
        assert rules(arc) == [("archive.unsafe", "error")]
        assert "指向压缩包以外" in arc.findings[0].message
        links = [m for m in arc.members if m.is_link]
        assert target in [m.link_target for m in links]
        with pytest.raises(Unreadable) as ei:
            arc.open(links[0])
        assert ei.value.rule == "archive.unsafe"


def test_encrypted_files_are_a_readable_finding():
    with open_archive(RAR / "rar5-psw.rar") as arc:
        assert [m.path for m in arc.members] == ["stest1.txt", "stest2.txt"]
        assert all(m.encrypted for m in arc.members)
        assert rules(arc) == [("file.readable", "error")]
        assert "压缩包设置了密码" in arc.findings[0].message
        with pytest.raises(Unreadable) as ei:
            arc.open(arc.members[1])
        assert "密码" in ei.value.message


def test_encrypted_headers_are_a_readable_finding():
    with open_archive(RAR / "rar5-hpsw.rar") as arc:
        assert arc.members == []
        assert rules(arc) == [("file.readable", "error")]
        assert "连文件名也已加密" in arc.findings[0].message


@pytest.mark.parametrize("part", [1, 2, 3])
def test_volumes_ask_for_one_rar(part):
    with open_archive(RAR / f"rar3-vols.part{part}.rar") as arc:
        assert rules(arc) == [("file.readable", "error")]
        assert "分卷" in arc.findings[0].message and "合并为一个 RAR" in arc.findings[0].message
        if part == 1:
            big = arc.get("vols/bigfile.txt")
            with pytest.raises(Unreadable):
                arc.open(big)


def test_truncated_rar_never_raises_from_listing(tmp_path):
    cut = tmp_path / "cut.rar"
    cut.write_bytes((RAR / "rar5-blake.rar").read_bytes()[:200])
    with open_archive(cut) as arc:
        problems = list(arc.findings)
        for m in arc.members:
            try:
                arc.read(m)
            except Unreadable as e:
                problems.append(e)
        assert problems and all(p.rule == "file.readable" for p in problems)
        assert "不完整" in arc.findings[0].message


@pytest.mark.parametrize("sample", ["rar5-solid", "rar3-solid"])
@pytest.mark.parametrize("stored", [True, False])
def test_rar_inside_a_zip_reads_from_a_stream(tmp_path, sample, stored):
    z = make_zip(tmp_path / "outer.zip", {f"材料/{sample}.rar": (RAR / f"{sample}.rar").read_bytes()},
                 stored=stored)
    with open_archive(z) as outer:
        (m,) = outer.members
        with outer.open(m) as s, open_archive(s, name=m.path) as inner:
            assert [x.path for x in inner.members] == ["stest1.txt", "stest2.txt"]
            assert all(zlib.crc32(inner.read(x)) == 0xC5B7E6A2 for x in inner.members)
    with zipfile.ZipFile(z) as zf:
        assert zf.testzip() is None
