"""./dev mutate (scripts/mutate.py) points at real modules and real fast tests, never the browser ones."""
from __future__ import annotations

import importlib.util

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("mutate", REPO / "scripts" / "mutate.py")
mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate)


def test_every_module_and_test_file_exists():
    for key, (module_file, tests) in mutate.MODULES.items():
        assert (REPO / module_file).is_file(), key
        assert tests, key
        for t in tests:
            assert (REPO / t).is_file(), (key, t)


def test_no_browser_test_is_ever_selected():
    for _, tests in mutate.MODULES.values():
        assert not [t for t in tests if t.startswith("tests/e2e")]


def test_the_listed_modules_cover_the_issue():
    files = {f for f, _ in mutate.MODULES.values()}
    assert {"checks/media/rules.py", "checks/documents/rules.py", "checks/documents/wordcount.py",
            "checks/package/layout.py", "checks/package/naming.py", "checks/archives/base.py",
            "scoring/recusal.py", "scoring/permissions.py", "scoring/reviews.py", "scoring/ranking.py",
            "ui/uploads.py"} <= files


def test_setup_cfg_mutates_one_file_with_its_tests():
    cfg = mutate._setup_cfg("scoring/recusal.py", ["tests/scoring/test_access_edges.py"])
    import configparser
    p = configparser.ConfigParser()
    p.read_string(cfg)
    assert p.get("mutmut", "only_mutate").split() == ["scoring/recusal.py"]
    assert p.get("mutmut", "pytest_add_cli_args_test_selection").split() == ["tests/scoring/test_access_edges.py"]
    assert "data/rules" in p.get("mutmut", "also_copy").split()
