"""ZIP reading: Chinese name encodings, hostile archives, bombs, member streams."""
from __future__ import annotations

import io
import os
import resource
import struct
import zipfile

import pytest

from checks.archives import open_archive
from checks.archives.base import MAX_MEMBERS
from checks.errors import Unreadable
from checks.archives.rangefile import RangeFile, SpoolStream
from samplegen.archives import (make_nested_zip, make_symlink_zip, make_traversal_zip, make_zip,
                                make_zip_bomb)

NAMES = {
    "小学某某学校张三/精品课后服务资源/趣味编程/说明文档.docx": b"doc",
    "小学某某学校张三/精品课后服务资源/趣味编程/相关材料.zip": b"zip",
    "小学某某学校张三/精品课后服务资源/趣味编程/作品＋演示.mp4": b"mp4",
}


def rules(arc):
    return sorted({(f.rule, f.level) for f in arc.findings})


def test_gbk_names_without_flag_decode_to_chinese(tmp_path):
    p = make_zip(tmp_path / "gbk.zip", NAMES, gbk_names=True)
    with zipfile.ZipFile(p) as zf:   # what plain zipfile shows: cp437 mojibake, no UTF-8 flag
        infos = zf.infolist()
        assert all(i.flag_bits & 0x800 == 0 for i in infos)
        assert "说明文档" not in infos[0].filename
        assert infos[0].filename.encode("cp437") == list(NAMES)[0].encode("gbk")
    with open_archive(p) as arc:
        assert [m.path for m in arc.members] == list(NAMES)
        assert {m.encoding for m in arc.members} == {"gb18030"}
        assert rules(arc) == [("archive.encoding", "info")]
        assert "GBK" in arc.findings[0].message
        mp4 = arc.get("小学某某学校张三/精品课后服务资源/趣味编程/作品＋演示.mp4")
        assert mp4.key.endswith("作品+演示.mp4")          # NFKC for matching
        assert mp4.name == "作品＋演示.mp4"                # display name kept
        assert arc.read(mp4) == b"mp4"


def test_utf8_names_with_and_without_flag(tmp_path):
    for flagless in (False, True):
        p = make_zip(tmp_path / f"u{flagless}.zip", NAMES, flagless_utf8=flagless)
        with zipfile.ZipFile(p) as zf:
            assert bool(zf.infolist()[0].flag_bits & 0x800) is not flagless
        with open_archive(p) as arc:
            assert [m.path for m in arc.members] == list(NAMES)
            assert {m.encoding for m in arc.members} == {"utf-8"}
            assert arc.findings == []


def test_traversal_zip_is_unsafe_and_members_refused(tmp_path):
    with open_archive(make_traversal_zip(tmp_path / "t.zip")) as arc:
        assert rules(arc) == [("archive.unsafe", "error")]
        assert "3 个文件" in arc.findings[0].message
        bad = [m for m in arc.members if m.unsafe == "path"]
        assert [m.path for m in bad] == ["../../evil.txt", "/tmp/abs.txt", "C:/Windows/drive.txt"]
        with pytest.raises(Unreadable) as ei:
            arc.open(bad[0])
        assert ei.value.rule == "archive.unsafe"
        assert arc.read(arc.get("作品/说明.txt")) == "正常文件".encode()


def test_symlink_zip_is_unsafe(tmp_path):
    with open_archive(make_symlink_zip(tmp_path / "s.zip")) as arc:
        assert rules(arc) == [("archive.unsafe", "error")]
        link = arc.get("作品/link")
        assert link.is_link and link.link_target == "../../etc/passwd"
        assert "指向压缩包以外" in arc.findings[0].message
        with pytest.raises(Unreadable) as ei:
            arc.open(link)
        assert ei.value.rule == "archive.unsafe"


def test_4gib_zip_bomb_is_flagged_with_bounded_memory(tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p = make_zip_bomb(tmp_path / "bomb.zip", declared_gib=4)
    assert p.stat().st_size < 8 * 1024 * 1024
    with open_archive(p) as arc:
        (m,) = arc.members
        assert m.size == 4 * 1024**3
        assert rules(arc) == [("archive.unsafe", "error")]
        assert "压缩炸弹" in arc.findings[0].message
        with pytest.raises(Unreadable) as ei:
            arc.open(m)
        assert ei.value.rule == "archive.unsafe"
    growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert growth_kib < 200 * 1024


def test_lying_header_bomb_stops_at_declared_size(tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p = make_zip_bomb(tmp_path / "lie.zip", declared_gib=1, lying=True)
    with open_archive(p) as arc:
        (m,) = arc.members
        assert m.size == 1024 * 1024 and arc.findings == []      # the header looks harmless
        with arc.open(m) as f, pytest.raises(Unreadable) as ei:
            while f.read(1024 * 1024):
                pass
        assert ei.value.rule == "archive.unsafe"
        assert "超过了文件头声明" in ei.value.message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


def test_bomb_maker_writes_a_valid_stream(tmp_path):
    p = make_zip_bomb(tmp_path / "small.zip", declared_gib=8 / 1024)    # 8 MiB, below the caps
    with zipfile.ZipFile(p) as zf:
        assert zf.testzip() is None
    with open_archive(p) as arc:
        (m,) = arc.members
        assert arc.findings == [] and m.size == 8 * 1024 * 1024
        with arc.open(m) as f:
            assert isinstance(f, SpoolStream)
            data = f.read()
        assert len(data) == m.size and data.count(0) == m.size


def test_stored_member_is_a_range_view_with_exact_bytes(tmp_path):
    payload = os.urandom(3 * 1024 * 1024)
    p = make_zip(tmp_path / "stored.zip", {"视频/录像.mp4": payload, "a.txt": b"hello"}, stored=True)
    with open_archive(p) as arc:
        m = arc.get("视频/录像.mp4")
        assert m.stored and m.compressed_size == m.size == len(payload)
        with arc.open(m) as f:
            assert isinstance(f, RangeFile)
            assert f.seek(-100, io.SEEK_END) == len(payload) - 100
            assert f.read() == payload[-100:]
            f.seek(1_000_000)
            assert f.read(16) == payload[1_000_000:1_000_016]
            assert f.tell() == 1_000_016
            f.seek(0)
            assert f.read(5) == payload[:5]
            f.seek(len(payload) + 10)
            assert f.read(10) == b""


def test_deflated_member_reads_and_seeks_backwards(tmp_path):
    payload = b"".join(b"%08d\n" % i for i in range(200_000))
    p = make_zip(tmp_path / "d.zip", {"数据.txt": payload})
    with open_archive(p) as arc:
        m = arc.members[0]
        assert not m.stored and m.compressed_size < m.size
        with arc.open(m) as f:
            f.seek(-9, io.SEEK_END)
            assert f.read() == b"00199999\n"
            f.seek(9)
            assert f.read(9) == b"00000001\n"


def test_corrupt_deflate_data_raises_unreadable(tmp_path):
    payload = b"".join(b"%08d\n" % i for i in range(50_000))
    p = make_zip(tmp_path / "c.zip", {"数据.txt": payload})
    raw = bytearray(p.read_bytes())
    mid = len(raw) // 2
    raw[mid:mid + 64] = bytes(64)
    p.write_bytes(bytes(raw))
    with open_archive(p) as arc:
        with pytest.raises(Unreadable) as ei, arc.open(arc.members[0]) as f:
            f.read()
        assert ei.value.rule == "file.readable"


def test_truncated_zip_is_a_readable_finding(tmp_path):
    p = make_zip(tmp_path / "full.zip", NAMES)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with open_archive(cut) as arc:
        assert arc.members == []
        assert rules(arc) == [("file.readable", "error")]
        assert "不完整" in arc.findings[0].message
        assert not arc.readable


def test_encrypted_zip_is_a_readable_finding(tmp_path):
    p = make_zip(tmp_path / "e.zip", {"a.txt": b"secret"}, stored=True)
    raw = bytearray(p.read_bytes())
    # set "encrypted" (bit 0) in the local and the central header
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(sig)
        raw[at + flag_at] |= 1
    p.write_bytes(bytes(raw))
    with open_archive(p) as arc:
        assert arc.members[0].encrypted
        assert rules(arc) == [("file.readable", "error")]
        assert "密码" in arc.findings[0].message
        with pytest.raises(Unreadable):
            arc.open(arc.members[0])


def test_too_many_members_is_unsafe(tmp_path):
    p = tmp_path / "many.zip"
    with zipfile.ZipFile(p, "w") as zf:
        for i in range(MAX_MEMBERS + 1):
            zf.writestr(f"f{i}", b"")
    with open_archive(p) as arc:
        assert arc.members == []
        assert rules(arc) == [("archive.unsafe", "error")]
        assert str(MAX_MEMBERS + 1) in arc.findings[0].message


def test_nested_zip_members_open_as_archives(tmp_path):
    p = make_nested_zip(tmp_path / "n.zip", depth=3)
    with open_archive(p) as outer:
        (m1,) = outer.members
        assert m1.path == "第2层.zip"
        with outer.open(m1) as s1, open_archive(s1, name=m1.path) as mid:
            (m2,) = mid.members
            with mid.open(m2) as s2, open_archive(s2) as inner:
                (m3,) = inner.members
                assert m3.path == "说明.txt"
                assert inner.read(m3) == "最里层的文件".encode()


def test_not_an_archive_and_empty_raise_unreadable(tmp_path):
    junk = tmp_path / "x.zip"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(Unreadable) as ei:
        open_archive(junk)
    assert ei.value.rule == "file.readable" and "不是 ZIP 或 RAR" in ei.value.message
    empty = tmp_path / "e.zip"
    empty.write_bytes(b"")
    with pytest.raises(Unreadable) as ei:
        open_archive(empty)
    assert ei.value.rule == "file.empty"


def test_zip64_end_record_is_read_for_the_entry_cap(tmp_path):
    from checks.zipdir import central_dir_stats
    p = make_zip_bomb(tmp_path / "z64.zip", declared_gib=1 / 1024)
    with open(p, "rb") as f:
        entries, cd_size = central_dir_stats(f)
    assert entries == 1 and cd_size == 46 + len("zeros.bin") + 20
    raw = p.read_bytes()
    assert struct.unpack("<H", raw[-12:-10])[0] == 1     # the plain end record still says 1
