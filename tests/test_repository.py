"""The repository stands on its own: nothing in it points outside it or at one machine's folders."""
from __future__ import annotations

import re
import subprocess

from tests.conftest import FIXTURES, REPO

# A sibling folder of the clone, or an absolute home/work path of some machine.
OUTSIDE = re.compile(r"\.\./shared|parent\s*/\s*[\"']shared[\"']|/work/|/home/[a-z]|/root/|/Users/[A-Za-z]")


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
                 for name, text in tracked_text_files() if name != "tests/test_repository.py"
                 for m in OUTSIDE.finditer(text)]
    assert offenders == []


def test_the_rar_samples_live_in_the_repository_with_their_licence():
    rar = FIXTURES / "rar"
    assert "Permission to use, copy, modify" in (rar / "LICENSE").read_text()
    assert len(list(rar.glob("*.rar"))) >= 15
    assert all((rar / (p.name + ".exp")).exists() for p in rar.glob("*.rar"))
