"""The repository stands on its own: nothing in it points outside it or at one machine's folders."""
from __future__ import annotations

import re
import subprocess

from tests.conftest import FIXTURES, REPO

# A sibling folder of the clone, or an absolute home/work path of some machine. Built from parts so
# that this file does not name them itself.
_SIBLING = "sha" + "red"
_ROOTS = ["wo" + "rk/", "ro" + "ot/", "ho" + "me/[a-z]", "Us" + "ers/[A-Za-z]"]
OUTSIDE = re.compile("|".join([r"\.\./" + _SIBLING, r"parent\s*/\s*[\"']" + _SIBLING + r"[\"']",
                               *(r"/" + r for r in _ROOTS)]))


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = REPO / name
        if path.suffix in {".py", ".md", ".sh", ".yaml", ".yml", ".toml", ".ini", ".txt", ".cfg", ".conf", ".json"} \
                or name in ("dev", ".ci/run"):
            if path.is_file():
                yield name, path.read_text("utf-8", errors="replace")


def test_no_file_refers_to_a_path_outside_the_repository():
    offenders = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
                 for name, text in tracked_text_files()
                 for m in OUTSIDE.finditer(text)]
    assert offenders == []


def test_the_rar_samples_live_in_the_repository_with_their_licence():
    rar = FIXTURES / "rar"
    assert "Permission to use, copy, modify" in (rar / "LICENSE").read_text()
    assert len(list(rar.glob("*.rar"))) >= 15
    assert all((rar / (p.name + ".exp")).exists() for p in rar.glob("*.rar"))
