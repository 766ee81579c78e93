"""A 1 MB .docx whose XML inflates to 1 GiB, inside a work's 相关材料.zip: the reviewer's page says
"文件过大或结构异常，无法预览" instead of converting it, and the Word viewer refuses the file itself
(declared or lying sizes) in a limited child process. Real files, real DuckDB, the real page."""
from __future__ import annotations

import os
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from accounts import AccountStore
from scoring import db
from scoring.limits import REFUSED, TooComplex
from scoring.permissions import ADMIN, Actor
from tests.conftest import REPO

ADMIN_ACTOR = Actor("admin", ADMIN)
CASE = "融合创新应用教学案例/光的折射"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    from samplegen.bombs import make_docx_bomb
    return make_docx_bomb(tmp_path_factory.mktemp("bomb") / "教学设计.docx")


@pytest.fixture(scope="module")
def contest(tmp_path_factory, video_cache, bomb):
    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.reviewers import upsert_reviewers
    data = tmp_path_factory.mktemp("bomb-data")
    old = os.environ.get("RATING_DATA_DIR")
    os.environ["RATING_DATA_DIR"] = str(data)
    db.configure(data / "scoring.duckdb")
    store = AccountStore(data)
    store.ensure_initialized()
    store.add_user(ADMIN_ACTOR, "rev_a", "甲")
    pkg = make_package(data / "pkgs", "fusion_case", school="XX市育才小学", teacher="李四", title="光的折射",
                       cache_dir=video_cache)
    with zipfile.ZipFile(pkg / CASE / "相关材料.zip", "a") as z:
        z.write(bomb, "教学设计.docx")
    wid = import_dump(ADMIN_ACTOR, data / "pkgs")["works"][0]
    upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_a", "name": "甲", "school": "XX市实验中学",
                                    "district": "城西区", "projects": ["fusion_case"], "stages": ["小学"], "cap": 5}])
    assign(ADMIN_ACTOR, wid, "rev_a")
    yield {"work": wid}
    db.close(data / "scoring.duckdb")
    db.configure(None)
    if old is None:
        os.environ.pop("RATING_DATA_DIR", None)
    else:
        os.environ["RATING_DATA_DIR"] = old


def test_word_viewer_refuses_the_inflating_docx(bomb):
    from scoring.previews import docx_html
    with pytest.raises(TooComplex) as e:
        docx_html(bomb)
    assert str(e.value) == REFUSED == "文件过大或结构异常，无法预览。"


def test_word_viewer_refuses_a_part_that_lies_about_its_size(tmp_path):
    from samplegen.bombs import make_docx_bomb
    from scoring.previews import docx_html
    liar = make_docx_bomb(tmp_path / "liar.docx", inflated=96 << 20, lying=True)
    assert zipfile.ZipFile(liar).getinfo("word/document.xml").file_size == 4096
    with pytest.raises(TooComplex):
        docx_html(liar)


def test_reviewer_page_says_the_file_cannot_be_previewed(contest):
    at = AppTest.from_file(str(REPO / "pages/review_work.py"), default_timeout=120)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "rev_a"
    at.run()
    assert not at.exception
    radio = at.radio(key=f"file_pick_{contest['work']}")
    index = next(i for i, label in enumerate(radio.options) if "相关材料.zip" in str(label))
    radio.set_value(index).run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert "压缩包中的“教学设计.docx”：文件过大或结构异常，无法预览。" in warnings
    listed = at.dataframe[0].value["文件"].tolist()
    assert "教学设计.docx" not in listed and "教学设计方案.txt" in listed
