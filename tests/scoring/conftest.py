"""The scoring tests' store: a real DuckDB file in the test's temp folder, closed afterwards."""
from __future__ import annotations

import pytest

from scoring import db


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "scoring.duckdb"
    db.configure(path)
    yield path
    db.close(path)
    db.configure(None)


@pytest.fixture
def store(dbfile):
    """The same store, for tests that only need it to exist."""
    yield dbfile
