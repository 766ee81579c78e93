"""Spooling uploads to disk (ui/uploads.py): untrusted names become safe relative paths, nothing is
overwritten or escapes the spool folder, old spool folders are swept, and findings show paths the
way the teacher dropped them."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from ui.uploads import (FALLBACK_NAME, display_path, new_spool_dir, remove_tree, safe_parts, spool,
                        spool_one)


class Upload(io.BytesIO):
    def __init__(self, name: str, data: bytes = b"x"):
        super().__init__(data)
        self.name = name


class Stream:
    """An upload without seek(): a network stream read once."""

    def __init__(self, name: str, data: bytes):
        self.name, self._buf = name, io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._buf.read(n)


# --- names --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,parts", [
    ("a\\b\\c.mp4", ["a", "b", "c.mp4"]),                 # Windows separators
    ("D:/作品/a.docx", ["作品", "a.docx"]),               # drive letter dropped
    ("x:", [FALLBACK_NAME]),
    ("1:/a.docx", ["1:", "a.docx"]),                        # only a letter before ':' is a drive
    ("ab:/a.docx", ["ab:", "a.docx"]),
    (" 作品 /  a.docx ", ["作品", "a.docx"]),              # spaces around a part are trimmed
    ("a/\u200b/b", ["a", "b"]),                             # a part of format characters only is empty
    ("a\tb\u0085.docx", ["ab.docx"]),                       # control characters of any kind
    ("", [FALLBACK_NAME]),
    ("./../.", [FALLBACK_NAME]),
], ids=["backslash", "drive", "bare-drive", "digit-colon", "two-letters-colon", "spaces", "format-char",
        "controls", "empty", "dots-only"])
def test_names_reduce_to_safe_relative_parts(name, parts):
    assert safe_parts(name) == parts


def test_a_deep_tree_keeps_its_last_twelve_levels():
    name = "/".join(f"d{i}" for i in range(15)) + "/f.mp4"
    assert safe_parts(name) == [f"d{i}" for i in range(4, 15)] + ["f.mp4"]
    assert len(safe_parts("/".join(f"d{i}" for i in range(11)) + "/f.mp4")) == 12


def test_a_part_of_exactly_240_bytes_is_kept_whole():
    part = "a" * 236 + ".mp4"
    assert safe_parts(part) == [part]


def test_an_over_long_name_is_cut_on_a_character_boundary_and_keeps_its_extension():
    name = "录" * 100 + ".docx"                     # 300 + 5 bytes
    [cut] = safe_parts(name)
    assert cut == "录" * 78 + ".docx"              # 240 − 5 = 235 bytes of room: 78 whole characters
    assert len(cut.encode()) == 239


def test_a_long_extension_is_not_kept_when_cutting():
    name = "a" * 250 + "." + "e" * 16               # an "extension" of 16 bytes is not one
    assert safe_parts(name) == ["a" * 240]
    short = "a" * 250 + "." + "e" * 15
    assert safe_parts(short) == ["a" * 224 + "." + "e" * 15]


def test_an_over_long_name_without_a_dot_is_just_cut():
    assert safe_parts("文" * 100) == ["文" * 80]


# --- spooling -----------------------------------------------------------------------------------------

def test_spool_one_writes_the_whole_file_from_its_start(tmp_path):
    up = Upload("小学A校张三/作品/a.docx", b"0123456789" * 300_000)   # 3 MB: several 1 MiB pieces
    up.read(5)                                                        # a reader already moved it
    dest = spool_one(up, tmp_path)
    assert dest == tmp_path / "小学A校张三" / "作品" / "a.docx"
    assert dest.read_bytes() == b"0123456789" * 300_000


def test_spool_one_reads_an_unseekable_stream(tmp_path):
    dest = spool_one(Stream("a.mp4", b"abc"), tmp_path)
    assert dest.read_bytes() == b"abc"


def test_the_same_name_twice_gets_numbered_copies(tmp_path):
    first = spool_one(Upload("作品/a.docx", b"1"), tmp_path)
    second = spool_one(Upload("作品/a.docx", b"2"), tmp_path)
    third = spool_one(Upload("作品/a.docx", b"3"), tmp_path)
    assert [p.name for p in (first, second, third)] == ["a.docx", "a（2）.docx", "a（3）.docx"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]


def test_spool_returns_the_top_level_entries_sorted(tmp_path):
    tops = spool([Upload("b.mp4"), Upload("A/x.docx"), Upload("a.pdf"), Upload("A/y.docx")], tmp_path)
    assert [p.name for p in tops] == ["A", "a.pdf", "b.mp4"]


def test_spool_refuses_a_destination_outside_its_root_through_a_symlink(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="unsafe upload name 'link/a.txt'"):
        spool_one(Upload("link/a.txt"), root)
    assert list(outside.iterdir()) == []


# --- spool folders ------------------------------------------------------------------------------------

def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_new_spool_folder_is_private_and_sweeps_only_day_old_folders_of_its_kind(tmp_path):
    base = tmp_path / "spool"
    base.mkdir()
    old, fresh, other = base / "selfcheck-old", base / "selfcheck-fresh", base / "import-old"
    for d in (old, fresh, other):
        d.mkdir()
        (d / "f").write_bytes(b"x")
    _age(old, 86_400 + 60)
    _age(fresh, 86_400 - 60)
    _age(other, 10 * 86_400)
    made = new_spool_dir(base)
    assert made.parent == base and made.name.startswith("selfcheck-") and made.is_dir()
    assert (made.stat().st_mode & 0o777) == 0o700
    assert sorted(p.name for p in base.iterdir()) == sorted(["selfcheck-fresh", "import-old", made.name])


def test_a_spool_folder_with_another_prefix_sweeps_its_own_kind(tmp_path):
    old = tmp_path / "import-old"
    old.mkdir()
    _age(old, 2 * 86_400)
    made = new_spool_dir(tmp_path, prefix="import-")
    assert made.name.startswith("import-") and not old.exists()


def test_the_base_folder_is_created_when_missing(tmp_path):
    made = new_spool_dir(tmp_path / "a" / "b")
    assert made.parent == tmp_path / "a" / "b"


def test_without_a_base_the_spool_folder_is_a_system_temp_folder(tmp_path):
    made = new_spool_dir()
    try:
        assert made.name.startswith("selfcheck-") and made.is_dir()
    finally:
        remove_tree(made)
    assert not made.exists()


def test_remove_tree_removes_a_full_tree_and_ignores_a_missing_one(tmp_path):
    root = tmp_path / "r"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f").write_bytes(b"x")
    remove_tree(root)
    assert not root.exists()
    remove_tree(root)                                  # already gone: no error


# --- how paths are shown ------------------------------------------------------------------------------

def test_paths_are_shown_relative_to_what_was_dropped(tmp_path):
    root = tmp_path / "spool"
    root.mkdir()
    assert display_path(f"{root}/小学A校张三/a.docx", root) == "小学A校张三/a.docx"
    assert display_path(f"{root}\\a.docx", root) == "a.docx"
    assert display_path(str(root), root) == str(root)       # the root itself: nothing left to strip
    assert display_path("/elsewhere/a.docx", root) == "/elsewhere/a.docx"
    assert display_path("a.docx", None) == "a.docx"
    assert display_path(None, root) == "" and display_path("", root) == ""


def test_paths_under_the_resolved_root_are_shown_relative_too(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert display_path(f"{real}/a.docx", link) == "a.docx"
    assert display_path(f"{link}/a.docx", link) == "a.docx"


def test_only_the_last_dot_starts_the_kept_extension():
    name = "x" * 250 + ".v1.docx"
    assert safe_parts(name) == ["x" * 235 + ".docx"]


def test_a_name_starting_with_latin_letters_is_shown_whole():
    root = "/spool/r"
    assert display_path(f"{root}/X光片分析.docx", Path(root)) == "X光片分析.docx"
