"""What Archive.open / read / get refuse and return, on a real ZIP, with the exact Chinese text.

`_judge` marks a member unsafe ("path", "ratio", "total", "size") from the listing; the readers
must then refuse it with archive.unsafe. The marks for bombs and over-size members are set here on
a real member (making a real 9 GiB or 2 GiB member is a bench's job, see tests/checks/archives/
test_zip.py for the 4 GiB bomb), the rest come from real archives.
"""
from __future__ import annotations

import zipfile

import pytest

from checks.archives import open_archive
from checks.archives.base import MAX_MEMBER_BYTES, fmt_size
from checks.errors import Unreadable
from samplegen.archives import make_symlink_zip, make_zip


@pytest.fixture
def arc(tmp_path):
    path = tmp_path / "材料.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("作品/", b"")
        zf.writestr("作品/空.txt", b"")
        zf.writestr("作品/一.txt", b"1")
        zf.writestr("作品/十.txt", b"0123456789")
    with open_archive(path) as a:
        yield a


def _refusal(arc, member) -> tuple[str, str]:
    with pytest.raises(Unreadable) as e:
        arc.open(member)
    return e.value.rule, e.value.message


def test_a_folder_is_not_a_file(arc):
    assert _refusal(arc, arc.get("作品")) == ("file.readable", "“作品”是文件夹，不是文件。")


def test_empty_and_one_byte_members_read_exactly(arc):
    assert arc.read(arc.get("作品/空.txt")) == b""
    assert arc.read(arc.get("作品/一.txt")) == b"1"


def test_read_takes_a_member_at_its_limit_and_refuses_one_byte_more(arc):
    ten = arc.get("作品/十.txt")
    assert arc.read(ten, limit=10) == b"0123456789"
    with pytest.raises(Unreadable) as e:
        arc.read(ten, limit=9)
    assert (e.value.rule, e.value.message) == ("archive.unsafe", "“作品/十.txt”超过 9 字节，不能整体读入。")


def test_get_finds_by_normalised_name_and_none_otherwise(arc):
    assert arc.get("作品\\一.txt").path == "作品/一.txt"
    assert arc.get("./作品/一.txt/").path == "作品/一.txt"
    assert arc.get("作品/没有.txt") is None


@pytest.mark.parametrize("mark", ["ratio", "total"])
def test_a_member_marked_as_a_bomb_is_refused(arc, mark):
    m = arc.get("作品/十.txt")
    m.unsafe = mark
    assert _refusal(arc, m) == ("archive.unsafe", "“作品/十.txt”疑似“压缩炸弹”（声明解压后 10 字节），不予解压。")


def test_a_member_too_big_to_check_is_refused_naming_the_cap(arc):
    m = arc.get("作品/十.txt")
    m.unsafe = "size"
    assert fmt_size(MAX_MEMBER_BYTES) == "2.0 GB"
    assert _refusal(arc, m) == ("archive.unsafe", "“作品/十.txt”解压后 10 字节，超过可检查的上限 2.0 GB。")


def test_a_link_member_is_refused(tmp_path):
    with open_archive(make_symlink_zip(tmp_path / "s.zip")) as a:
        assert _refusal(a, a.get("作品/link")) == ("archive.unsafe", "“作品/link”是链接文件，不予读取。")


def test_a_path_member_is_refused(tmp_path):
    path = tmp_path / "t.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("../x.txt"), b"x")
    with open_archive(path) as a:
        assert _refusal(a, a.members[0]) == ("archive.unsafe", "“../x.txt”的路径会跳出解压目录，不予读取。")


def test_an_encrypted_archive_says_which_member_and_how_to_fix_it(tmp_path):
    p = make_zip(tmp_path / "e.zip", {"作品/a.txt": b"secret"}, stored=True)
    raw = bytearray(p.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):      # the "encrypted" bit
        raw[raw.find(sig) + flag_at] |= 1
    p.write_bytes(bytes(raw))
    with open_archive(p) as a:
        [f] = a.findings
        assert (f.rule, f.level, f.path, f.actual, f.fix) == (
            "file.readable", "error", "e.zip", "作品/a.txt", "请去掉密码后重新压缩再提交")
        assert f.message == "压缩包设置了密码（1 个文件已加密），无法检查其中的文件。"
        assert not a.readable and not a.unsafe
        assert _refusal(a, a.members[0]) == ("file.readable", "“作品/a.txt”设置了密码，无法读取。请去掉密码后重新压缩。")


@pytest.mark.parametrize("n,text", [(0, "0 字节"), (1023, "1023 字节"), (1024, "1.0 KB"),
                                    (1536, "1.5 KB"), (1024**2, "1.0 MB"), (1024**3 - 1, "1024.0 MB"),
                                    (1024**3, "1.0 GB"), (5 * 1024**3, "5.0 GB")])
def test_fmt_size_units(n, text):
    assert fmt_size(n) == text
