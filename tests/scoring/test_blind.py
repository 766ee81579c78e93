"""The file behind a blind name, the blinded 初审 findings and the ranking preview are refused in
scoring itself: only an admin or the assigned reviewer without 回避 conflict; never the
registration form or summary sheet for a reviewer; no teacher, school or level-1 folder names.
Real sample packages imported into a temp DuckDB."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from scoring import db
from scoring.blind_files import blind_file, blind_findings, blind_redactor
from scoring.errors import NotFound, PermissionDenied, ValidationError
from scoring.permissions import ADMIN, REVIEWER, Actor

ADMIN_ACTOR = Actor("admin", ADMIN)
REV_A, REV_B = Actor("rev_a", REVIEWER), Actor("rev_b", REVIEWER)
REV_SAME, REV_DISTRICT = Actor("rev_same", REVIEWER), Actor("rev_district", REVIEWER)
SCHOOL, TEACHER = "XX市第一实验小学", "张三"
FOLDER = f"小学{SCHOOL}{TEACHER}"
CASE = "融合创新应用教学案例/光的折射"
VIDEO, FORM, SHEET = f"{CASE}/教学活动录像.mp4", f"{CASE}/作品登记表.pdf", f"{CASE}/汇总表.xlsx"


@pytest.fixture(scope="module")
def contest(tmp_path_factory, video_cache):
    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.reviewers import upsert_reviewers
    from scoring.works import add_work

    root = tmp_path_factory.mktemp("blind")
    db.configure(root / "scoring.duckdb")
    pkg = make_package(root / "pkgs", "fusion_case", stage="小学", school=SCHOOL, teacher=TEACHER,
                       title="光的折射", flaws={"video_30fps"}, cache_dir=video_cache)
    (pkg / CASE / f"{TEACHER}的说课稿.docx").write_bytes(b"")          # a finding naming the teacher
    wid = import_dump(ADMIN_ACTOR, root / "pkgs")["works"][0]
    archive = make_package(root / "zsrc", "fusion_case", stage="小学", school="XX市育才小学", teacher="李四",
                           title="分数的初步认识", flaws={"zip_package"}, cache_dir=video_cache)
    (root / "zdump").mkdir()
    shutil.move(str(archive), root / "zdump" / archive.name)
    zid = import_dump(ADMIN_ACTOR, root / "zdump")["works"][0]
    regional = add_work(ADMIN_ACTOR, project="training_case", subtype="regional", stage="小学",
                        title="区域研修案例", school="XX市教师发展中心", district="城东区", authors=["王五"])

    base = {"projects": ["fusion_case", "training_case"], "stages": ["小学"], "cap": 10}
    reviewers = [{**base, "username": "rev_a", "name": "甲", "school": "XX市育才中学", "district": "城西区"},
                 {**base, "username": "rev_b", "name": "乙", "school": "XX市实验中学", "district": "城西区"},
                 {**base, "username": "rev_same", "name": "丙", "school": "XX市第二中学", "district": "城西区"},
                 {**base, "username": "rev_district", "name": "丁", "school": "XX市第三中学", "district": "城西区"}]
    upsert_reviewers(ADMIN_ACTOR, reviewers)
    for user in ("rev_a", "rev_same"):
        assign(ADMIN_ACTOR, wid, user)
    assign(ADMIN_ACTOR, zid, "rev_a")
    assign(ADMIN_ACTOR, regional, "rev_district")
    # Schools and districts change after assignment: the conflict must still block reading.
    upsert_reviewers(ADMIN_ACTOR, [{**reviewers[2], "school": SCHOOL}, {**reviewers[3], "district": "城东区"}])
    yield {"db": root / "scoring.duckdb", "work": wid, "pkg": pkg, "zip_work": zid, "archive": root / "zdump" / archive.name,
           "regional": regional}
    db.close(root / "scoring.duckdb")
    db.configure(None)


@pytest.fixture(autouse=True)
def _scoring_uses_the_contest_db(request):
    if "contest" in request.fixturenames:
        db.configure(request.getfixturevalue("contest")["db"])


def test_assigned_reviewer_gets_the_stored_file_behind_a_blind_name(contest):
    f = blind_file(REV_A, contest["work"], VIDEO)
    assert f["name"] == VIDEO and f["kind"] == "mp4" and f["mime"] == "video/mp4" and f["member"] is None
    assert Path(f["path"]).is_absolute() and Path(f["path"]) == (contest["pkg"] / VIDEO).resolve()
    masked = blind_file(REV_A, contest["work"], f"{CASE}/＊＊的说课稿.docx")
    assert Path(masked["path"]) == (contest["pkg"] / CASE / f"{TEACHER}的说课稿.docx").resolve()
    assert masked["name"] == f"{CASE}/＊＊的说课稿.docx"


def test_a_work_imported_as_an_archive_gives_the_archive_and_its_member(contest):
    f = blind_file(REV_A, contest["zip_work"], 0)           # by position in the blind list
    assert f["path"] == str(contest["archive"].resolve())
    with zipfile.ZipFile(contest["archive"]) as z:
        assert f["member"] in z.namelist()
    assert not f["member"].endswith(("登记表.pdf", "汇总表.xlsx"))


@pytest.mark.parametrize("actor, message", [(REV_B, "未被分配"), (REV_SAME, "回避")])
def test_unassigned_and_same_school_reviewers_are_refused(contest, actor, message):
    for call in (lambda: blind_file(actor, contest["work"], VIDEO),
                 lambda: blind_findings(actor, contest["work"]),
                 lambda: blind_redactor(actor, contest["work"])):
        with pytest.raises(PermissionDenied, match=message):
            call()


def test_same_district_reviewer_is_refused_where_recusal_is_by_district(contest):
    with pytest.raises(PermissionDenied, match="回避"):
        blind_findings(REV_DISTRICT, contest["regional"])
    assert blind_findings(ADMIN_ACTOR, contest["regional"]) == []


def test_registration_form_and_summary_sheet_are_never_a_reviewers(contest):
    for name in (FORM, SHEET, f"{FOLDER}/{FORM}", f"{FOLDER}/{SHEET}", "../../etc/passwd", 99):
        with pytest.raises(PermissionDenied, match="不对评委开放"):
            blind_file(REV_A, contest["work"], name)
    admin = blind_file(ADMIN_ACTOR, contest["work"], f"{FOLDER}/{FORM}")       # admins: by stored path
    assert admin["kind"] == "pdf" and admin["mime"] == "application/pdf"
    assert Path(admin["path"]) == (contest["pkg"] / FORM).resolve()
    with pytest.raises(NotFound):
        blind_file(ADMIN_ACTOR, contest["work"], "不存在.pdf")


def test_blinded_findings_name_neither_the_teacher_nor_the_school(contest):
    raw = {f["rule"] for f in _admin_report(contest["work"])["findings"]}
    assert {"package.archive", "file.empty", "video.fps"} <= raw       # the raw report does name them
    found = blind_findings(REV_A, contest["work"])
    assert sorted(f["rule"] for f in found) == ["file.empty", "video.fps"]
    assert {f["path"] for f in found} == {f"{CASE}/＊＊的说课稿.docx", VIDEO}
    text = json.dumps(found, ensure_ascii=False)
    for secret in (TEACHER, SCHOOL, FOLDER, "登记表", "汇总表"):
        assert secret not in text, secret
    assert blind_findings(ADMIN_ACTOR, contest["work"]) == found


def test_redactor_masks_names_found_inside_files(contest):
    redact = blind_redactor(REV_A, contest["work"])
    assert redact(f"{FOLDER}/{TEACHER}的教学设计.txt") == "＊＊/＊＊的教学设计.txt"


def test_ranking_preview_is_admin_only_and_uses_the_method(contest):
    from scoring.ranking import preview_ranking, rank_works
    with pytest.raises(PermissionDenied, match="只有管理员"):
        preview_ranking(REV_A, "median")
    with pytest.raises(ValidationError, match="汇总方式必须是"):
        preview_ranking(ADMIN_ACTOR, "max")
    from scoring.reviews import save_review
    from scoring.rubrics import load_rubric
    rubric = load_rubric("fusion_case")
    if blind_review(contest["zip_work"]) is None:                    # independent of test order
        save_review(REV_A, contest["zip_work"], {c.key: c.max - 1 for c in rubric.criteria}, submit=True)
    df = preview_ranking(ADMIN_ACTOR, "median")
    assert list(df.columns) == list(rank_works(ADMIN_ACTOR).columns)
    row = df.set_index("work_id").loc[contest["zip_work"]]
    assert row["n_scores"] == 1 and row["project_name"] == "融合创新应用教学案例"
    from scoring.settings import get_settings
    assert get_settings(ADMIN_ACTOR)["aggregation"] == "trimmed_mean"      # a preview saves nothing
    assert row["score"] == row["median"] == 95.0       # (25 − 1) × 3 + (15 − 1) + (10 − 1)


def blind_review(work_id: int):
    from scoring.selectors import get_review
    return get_review(REV_A, work_id)


def _admin_report(work_id: int) -> dict:
    from scoring.selectors import work_detail
    return work_detail(ADMIN_ACTOR, work_id)["precheck_report"]
