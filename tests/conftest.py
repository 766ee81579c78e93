"""Shared fixtures: one cache of generated sample videos per test session (encoding is the slow part)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"   # samples kept in the repository, each with its licence


@pytest.fixture(scope="session")
def video_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("video-cache")


@pytest.fixture
def run_cli():
    """Run `python -m checks ...` as a user would; returns (exit code, parsed JSON or text, stderr)."""
    def run(*args: str, json_out: bool = True):
        cmd = [sys.executable, "-m", "checks", *map(str, args)] + (["--json"] if json_out else [])
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
        out = json.loads(p.stdout) if json_out and p.returncode in (0, 1) else p.stdout
        return p.returncode, out, p.stderr
    return run
