"""Deadline night: 15 teachers open the self-check page at the same moment, each uploads a package
folder and asks for a verdict. Every page must become ready and every check must finish (this
asserts outcomes, not times; bench/bench_pages.py reports the times)."""
from __future__ import annotations

import pytest

from samplegen.packages import make_package
from tests.e2e.crowd import run_crowd

pytestmark = pytest.mark.load


def test_15_pages_opened_at_once_all_reach_a_verdict(app_url, browser, tmp_path):
    folder = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    results = run_crowd(app_url, folder, n=15)
    assert [r.get("error") for r in results] == [None] * 15
    assert [r["verdict"][:2] for r in results] == ["通过"] * 15
