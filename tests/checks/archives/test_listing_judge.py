"""Archive._judge over a listing: every archive.unsafe / archive.encoding finding written out in full,
and each cap at its exact byte or count, just inside and just outside.

The ZIP and RAR readers fill `members` from the archive's headers and then call `_judge`; here a
listing is given directly, because headers declaring 8 GiB or 20 000 entries are what is judged
(real archives with such members are in test_zip.py / test_rar.py and the bench).
"""
from __future__ import annotations

import pytest

from checks.archives.base import (FIX_REPACK, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES,
                                  RATIO_MIN_SIZE, Archive, Member)
from checks.findings import Finding

GIB = 1024**3


def judged(*members: Member) -> Archive:
    arc = Archive("材料.zip")
    arc.members = list(members)
    arc._judge()
    return arc


def file(path: str, size: int = 10, compressed: int | None = None, **kw) -> Member:
    return Member(path=path, size=size, compressed_size=size if compressed is None else compressed, **kw)


def test_a_clean_listing_has_no_finding():
    arc = judged(file("作品/说明.docx"), Member("作品", 0, 0, is_dir=True))
    assert arc.findings == [] and not arc.unsafe and arc.readable


def test_escaping_paths_one_finding_naming_the_first_three():
    bad = [file(p, unsafe="path") for p in ("../a.txt", "/b.txt", "C:/c.txt", "d/../../e.txt")]
    arc = judged(file("作品/ok.txt"), *bad)
    assert arc.findings == [Finding(
        "archive.unsafe", "error",
        "压缩包中有 4 个文件的路径会跳出解压目录（含“..”、绝对路径或盘符），例如 “../a.txt”、“/b.txt”、“C:/c.txt”；"
        "这样的压缩包不安全，不予解压。", path="材料.zip", actual="../a.txt", fix=FIX_REPACK)]
    assert arc.unsafe and arc.readable


def test_links_are_unsafe_and_those_pointing_outside_are_counted():
    arc = judged(file("a/l1", is_link=True, link_target="../../x"), file("a/l2", is_link=True, link_target="b"),
                 file("a/l3", is_link=True), file("a/l4", is_link=True, link_target="c"))
    assert arc.findings == [Finding(
        "archive.unsafe", "error",
        "压缩包中有 4 个链接文件（符号链接/硬链接），例如 “a/l1” → “../../x”、“a/l2” → “b”、“a/l3” → “?”；"
        "其中 1 个指向压缩包以外；解压时可能写到别处，不予解压。请删除链接，放入真实文件后重新压缩。",
        path="材料.zip", actual="a/l1", fix=FIX_REPACK)]


def test_links_inside_the_archive_are_still_unsafe_without_the_outside_count():
    [f] = judged(file("a/l", is_link=True, link_target="b")).findings
    assert f.message == ("压缩包中有 1 个链接文件（符号链接/硬链接），例如 “a/l” → “b”；"
                         "解压时可能写到别处，不予解压。请删除链接，放入真实文件后重新压缩。")


def test_entry_count_at_and_past_the_cap():
    assert judged(*(file(f"f{i}", 0) for i in range(MAX_MEMBERS))).findings == []
    arc = judged(*(file(f"f{i}", 0) for i in range(MAX_MEMBERS + 1)))
    assert arc.findings == [Finding("archive.unsafe", "error", "压缩包内有 20001 个条目，超过上限 20000，疑似恶意压缩包。",
                                    path="材料.zip", actual="20001", expected="≤ 20000")]


def test_declared_total_at_and_past_the_cap():
    four = [file(f"v{i}.mp4", 2 * GIB) for i in range(4)]           # exactly 8 GiB, none over 2 GiB
    assert MAX_TOTAL_BYTES == 8 * GIB and MAX_MEMBER_BYTES == 2 * GIB
    arc = judged(*four)
    assert arc.findings == [] and [m.unsafe for m in four] == [None] * 4
    four = [file(f"v{i}.mp4", 2 * GIB) for i in range(4)]
    escaping = file("../x", 1, unsafe="path")
    arc = judged(*four, file("one-more-byte.txt", 1), escaping)
    total = [f for f in arc.findings if "总大小" in f.message]
    assert total == [Finding("archive.unsafe", "error", "压缩包声明的解压后总大小为 8.0 GB，超过上限 8.0 GB，疑似“压缩炸弹”。",
                             path="材料.zip", actual=str(8 * GIB + 2), expected=f"≤ {8 * GIB}")]
    assert [m.unsafe for m in arc.members] == ["total"] * 5 + ["path"]   # an earlier mark is kept


def test_compression_ratio_at_and_past_the_cap():
    c = 67_109                                   # 500 × c = 33 554 500 ≥ 32 MiB, the size bombs start at
    assert MAX_RATIO * c >= RATIO_MIN_SIZE
    at = file("at.bin", MAX_RATIO * c, c)
    assert judged(at).findings == [] and at.unsafe is None
    past = file("past.bin", MAX_RATIO * c + 1, c)
    assert judged(past).findings == [Finding(
        "archive.unsafe", "error",
        "“past.bin”压缩前 65.5 KB、声明解压后 32.0 MB（压缩比约 500:1），远超正常文件，疑似“压缩炸弹”，不予解压。",
        path="材料.zip", actual="500:1", expected="≤ 500:1")]
    assert past.unsafe == "ratio"


def test_small_members_may_compress_absurdly_well():
    below = file("blank.txt", RATIO_MIN_SIZE - 1, 1)
    assert judged(below).findings == [] and below.unsafe is None
    at = file("blank.txt", RATIO_MIN_SIZE, 1)
    [f] = judged(at).findings
    assert (f.actual, at.unsafe) == (f"{RATIO_MIN_SIZE}:1", "ratio")
    zero = file("zero.txt", RATIO_MIN_SIZE, 0)                       # no compressed bytes: counted as 1
    [f] = judged(zero).findings
    assert f.actual == f"{RATIO_MIN_SIZE}:1" and "压缩前 0 字节" in f.message


def test_only_the_first_bomb_is_described_but_every_bomb_is_marked():
    a, b = file("a.bin", RATIO_MIN_SIZE, 1), file("b.bin", RATIO_MIN_SIZE * 2, 1)
    [f] = judged(a, b).findings
    assert f.message.startswith("“a.bin”") and (a.unsafe, b.unsafe) == ("ratio", "ratio")


def test_a_member_over_the_size_cap_is_marked_without_a_finding():
    at, past = file("at.mp4", MAX_MEMBER_BYTES), file("past.mp4", MAX_MEMBER_BYTES + 1)
    arc = judged(at, past)
    assert arc.findings == [] and (at.unsafe, past.unsafe) == (None, "size")


GBK_MSG = ("压缩包中 2 个文件名按 GBK/GB18030 编码识别（中文 Windows 的压缩软件常这样保存，在 Mac、Linux 或网页上解压"
           "可能显示为乱码），例如 “作品/说明.docx”、“作品/录像.mp4”。")
ENCODING_FIX = "可用 7-Zip 或 Bandizip 重新压缩（文件名使用 UTF-8 编码）"


def test_gbk_names_are_an_info():
    arc = judged(file("作品/说明.docx", encoding="gb18030"), file("作品/录像.mp4", encoding="gb18030"),
                 file("readme.txt"))
    assert arc.findings == [Finding("archive.encoding", "info", GBK_MSG, path="材料.zip", actual="gb18030",
                                    expected="utf-8", fix=ENCODING_FIX)]


def test_undecodable_names_make_it_a_warning():
    arc = judged(file("作品/说明.docx", encoding="gb18030"), file("作品/录像.mp4", encoding="gb18030"),
                 file("Ã©.txt", encoding="cp437"))
    assert arc.findings == [Finding("archive.encoding", "warning", GBK_MSG + "另有 1 个文件名无法识别编码，可能显示为乱码。",
                                    path="材料.zip", actual="gb18030", expected="utf-8", fix=ENCODING_FIX)]
    [f] = judged(file("Ã©.txt", encoding="cp437")).findings
    assert (f.level, f.actual) == ("warning", "unknown")
    assert f.message.startswith("压缩包中 0 个文件名按 GBK/GB18030") and "例如 “Ã©.txt”。另有 1 个" in f.message


@pytest.mark.parametrize("n", [1, 3, 4])
def test_samples_name_at_most_three(n):
    [f] = judged(*(file(f"f{i}", unsafe="path") for i in range(n))).findings
    assert f.message.count("“f") == min(n, 3)


def test_encoding_sample_names_at_most_three():
    [f] = judged(*(file(f"作品/{i}.txt", encoding="gb18030") for i in range(4))).findings
    assert f.message.startswith("压缩包中 4 个文件名") and f.message.count("“作品/") == 3
