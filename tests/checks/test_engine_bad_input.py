"""Bad input never crashes: each becomes a clear finding, and the other files are still judged."""
from __future__ import annotations

import os
import shutil

from checks import check_paths
from samplegen.media import make_video, random_bytes, truncate_copy

from tests.conftest import FIXTURES


def rules(report):
    return {(f.rule, f.level) for f in report.findings}


def test_a_zero_byte_file(tmp_path):
    p = tmp_path / "教学活动录像.mp4"
    p.write_bytes(b"")
    r = check_paths([p], project="vocational_practice")
    assert ("file.empty", "error") in rules(r)


def test_random_bytes_behind_mp4_and_a_truncated_video_do_not_hide_the_good_file(tmp_path):
    good = make_video(tmp_path / "教学活动录像.mp4", seconds=1, width=320, height=180)
    random_bytes(tmp_path / "拓展视频.mp4", 100_000)
    truncate_copy(good, tmp_path / "资源-片段.mp4", keep=0.5)
    r = check_paths(sorted(tmp_path.iterdir()), project="vocational_practice")
    by_path = {}
    for f in r.findings:
        by_path.setdefault(f.path, set()).add(f.rule)
    assert "file.readable" in by_path[str(tmp_path / "拓展视频.mp4").rsplit("/", 1)[-1]]
    assert "video.resolution" in by_path["教学活动录像.mp4"]     # the good file was still judged
    assert len(r.files) == 3


def test_a_hostile_rar_is_refused_as_unsafe():
    r = check_paths([FIXTURES / "rar/rar5-evil-symlink-traversal.rar"])
    assert ("archive.unsafe", "error") in rules(r)


def test_an_encrypted_rar_is_a_clear_finding():
    r = check_paths([FIXTURES / "rar/rar5-hpsw.rar"])
    assert any(f.rule == "file.readable" and "密码" in f.message for f in r.findings)


def test_a_rar_package_is_read_without_extraction(tmp_path):
    r = check_paths([FIXTURES / "rar/rar5-subdirs.rar"])
    assert r.verdict == "fail" and "package.layout" in {f.rule for f in r.findings}
    assert {f.path for f in r.files} >= {"sub/dir1/file1.txt", "sub/dir2/file2.txt"}


def test_a_symlink_in_a_folder_is_skipped_not_followed(tmp_path):
    (tmp_path / "pkg").mkdir()
    os.symlink("/etc/passwd", tmp_path / "pkg" / "passwd")
    shutil.copy(FIXTURES / "rar/rar5-crc.rar", tmp_path / "pkg" / "a.rar")
    r = check_paths([tmp_path / "pkg"])
    assert ("archive.unsafe", "warning") in rules(r)
    assert all("passwd" not in f.path for f in r.files)
