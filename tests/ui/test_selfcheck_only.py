"""A teachers' worker of `./dev serve` (RATING_SELFCHECK_ONLY=1): the self-check page only, no login,
and the DuckDB file is never opened, so worker 0 stays its only writer."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]


def test_a_selfcheck_only_worker_offers_no_login_and_never_opens_the_database(tmp_path, monkeypatch):
    from scoring import db
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RATING_SELFCHECK_ONLY", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["作品自检"]
    assert [m.value for m in at.sidebar.markdown] == ["评委、管理员请从 [/judge/](/judge/) 登录。"]
    assert not (tmp_path / "scoring.duckdb").exists() and not (tmp_path / "auth.yaml").exists()
    assert str(tmp_path / "scoring.duckdb") not in db._connections


def test_a_normal_worker_still_offers_login(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RATING_SELFCHECK_ONLY", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "评委、管理员请从" not in "".join(m.value for m in at.sidebar.markdown)
    assert (tmp_path / "auth.yaml").exists()                # the login store was set up
