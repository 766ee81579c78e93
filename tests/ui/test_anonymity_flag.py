"""The admin's 初审 table flags "作品内可能含作者信息" for a work whose PDF names the teacher in its
text layer (which cannot be masked inside the PDF), after the admin runs the 匿名检查; a work
without such a file reads 未发现. Real packages, real DuckDB, the real admin page (AppTest)."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from accounts import AccountStore
from scoring import db
from scoring.permissions import ADMIN, Actor
from tests.conftest import REPO
from tests.scoring.test_blind_copy import _pdf

ADMIN_ACTOR = Actor("admin", ADMIN)
CASE = "融合创新应用教学案例"


@pytest.fixture(scope="module")
def contest(tmp_path_factory, video_cache):
    from samplegen.packages import make_package
    from scoring.importer import import_dump
    data = tmp_path_factory.mktemp("anon-data")
    old = os.environ.get("RATING_DATA_DIR")
    os.environ["RATING_DATA_DIR"] = str(data)
    db.configure(data / "scoring.duckdb")
    AccountStore(data).ensure_initialized()
    leaky = make_package(data / "pkgs" / "a", "fusion_case", school="示例县职业教育中心", teacher="王伟",
                         title="光的折射", cache_dir=video_cache)
    _pdf(leaky / CASE / "光的折射" / "教学反思.pdf", ["教学反思", "执教 王伟"], "王伟")
    make_package(data / "pkgs" / "b", "fusion_case", school="XX市育才小学", teacher="李四", title="分数的认识",
                 cache_dir=video_cache)
    import_dump(ADMIN_ACTOR, data / "pkgs" / "a")
    import_dump(ADMIN_ACTOR, data / "pkgs" / "b")
    yield data
    db.close(data / "scoring.duckdb")
    db.configure(None)
    if old is None:
        os.environ.pop("RATING_DATA_DIR", None)
    else:
        os.environ["RATING_DATA_DIR"] = old


def _column(at: AppTest, title: str) -> dict[str, str]:
    df = next(d.value for d in at.dataframe if "匿名检查" in d.value.columns and "学校" in d.value.columns)
    return dict(zip(df["作品名称"], df["匿名检查"]))


def test_admin_table_flags_a_work_that_names_its_author_inside_a_pdf(contest):
    at = AppTest.from_file(str(REPO / "pages/admin_import.py"), default_timeout=180)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.run()
    assert not at.exception
    assert _column(at, "匿名检查") == {"光的折射": "未检查", "分数的认识": "未检查"}
    at.button(key="anon_check").click().run()
    assert not at.exception
    assert _column(at, "匿名检查") == {"光的折射": "作品内可能含作者信息", "分数的认识": "未发现"}
    flagged = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert flagged["作品名称"].tolist() == ["光的折射"]
    assert "教学反思.pdf：PDF 正文中有作者或单位名称" in flagged["说明"][0]
