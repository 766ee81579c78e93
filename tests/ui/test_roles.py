"""Role matrix: every page × (anonymous, reviewer, admin) is allowed or refused, the router hides
pages a role may not see, scoring refuses every write of the wrong role, and the reviewer's work
page is blind and scores through the form. One real package imported into a temp data dir."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from accounts import AccountStore
from scoring import db
from scoring.errors import PermissionDenied
from scoring.permissions import ADMIN, REVIEWER, Actor
from tests.conftest import REPO

ADMIN_ACTOR = Actor("admin", ADMIN)
SCHOOL, TEACHER = "XX市第一实验小学", "张三"
FOLDER = f"小学{SCHOOL}{TEACHER}"

PAGES = {
    "admin_import.py": ("admin", "导入与初审"), "admin_reviewers.py": ("admin", "评委与分配"),
    "admin_progress.py": ("admin", "评审进度"), "admin_ranking.py": ("admin", "排名"),
    "admin_charts.py": ("admin", "统计图表"), "admin_audit.py": ("admin", "审计记录"),
    "admin_settings.py": ("admin", "设置"), "admin_accounts.py": ("admin", "账号管理"),
    "review_tasks.py": ("reviewer", "我的评审任务"), "review_work.py": ("reviewer", None),
}
USERS = {"anonymous": None, "reviewer": "rev_a", "admin": "admin"}


@pytest.fixture(scope="module")
def contest(tmp_path_factory, video_cache):
    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.reviewers import upsert_reviewers

    data = tmp_path_factory.mktemp("roles-data")
    old_env = os.environ.get("RATING_DATA_DIR")
    os.environ["RATING_DATA_DIR"] = str(data)
    db.configure(data / "scoring.duckdb")
    store = AccountStore(data)
    store.ensure_initialized()
    make_package(data / "pkgs", "fusion_case", stage="小学", school=SCHOOL, teacher=TEACHER,
                 title="光的折射", cache_dir=video_cache)
    summary = import_dump(ADMIN_ACTOR, data / "pkgs")
    wid = summary["works"][0]
    base = {"district": "城东区", "projects": ["fusion_case"], "stages": ["小学"], "cap": 10}
    upsert_reviewers(ADMIN_ACTOR, [{**base, "username": "rev_a", "name": "甲评委", "school": "XX市育才小学"},
                                   {**base, "username": "rev_b", "name": "乙评委", "school": "XX市实验中学"},
                                   {**base, "username": "rev_same", "name": "同校评委", "school": SCHOOL}])
    for u in ("rev_a", "rev_b", "rev_same"):
        store.add_user(ADMIN_ACTOR, u, u)
    assign(ADMIN_ACTOR, wid, "rev_a")
    yield {"dir": data, "work": wid}
    db.close(data / "scoring.duckdb")
    db.configure(None)
    if old_env is None:
        os.environ.pop("RATING_DATA_DIR", None)
    else:
        os.environ["RATING_DATA_DIR"] = old_env


@pytest.fixture(autouse=True)
def _scoring_uses_the_contest_db(request):
    """Pages re-point scoring at RATING_DATA_DIR; direct scoring calls in a test must see the same DB."""
    if "contest" in request.fixturenames:
        db.configure(request.getfixturevalue("contest")["dir"] / "scoring.duckdb")


def run(script: str, user: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(REPO / script), default_timeout=60)
    if user:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error",
                                  "warning", "info", "success") for e in getattr(at, kind)]
    parts += [str(o) for r in at.radio for o in r.options] + [str(o) for s in at.selectbox for o in s.options]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("who", list(USERS))
@pytest.mark.parametrize("page", list(PAGES))
def test_role_matrix(contest, page, who):
    role, title = PAGES[page]
    at = run(f"pages/{page}", USERS[who])
    assert not at.exception
    errors = [e.value for e in at.error]
    if who == "anonymous":
        assert [w.value for w in at.warning] == ["请先登录后再访问此页面。"]
        assert not at.title
    elif who != role:
        need = "管理员" if role == "admin" else "评委"
        assert errors == [f"您没有权限访问此页面（需要{need}账号）。"]
        assert not at.title
    else:
        assert not any("没有权限" in e for e in errors), errors
        assert at.title and (title is None or at.title[0].value == title)


ALL_PAGES = ["pages/self_check.py", "pages/login.py", *(f"pages/{p}" for p in PAGES)]
NAV = {"anonymous": {"pages/self_check.py", "pages/login.py"},
       "reviewer": {"pages/self_check.py", "pages/review_tasks.py", "pages/review_work.py"},
       "admin": {"pages/self_check.py", *(f"pages/{p}" for p in PAGES if p.startswith("admin_"))}}


@pytest.mark.parametrize("who", list(USERS))
def test_router_offers_each_role_only_its_pages(contest, who):
    home = run("app.py", USERS[who])
    assert not home.exception
    assert [t.value for t in home.title] == ["作品自检"]        # the self-check page is everyone's default
    for page in ALL_PAGES:
        at = run("app.py", USERS[who])
        if page in NAV[who]:
            at.switch_page(page).run()
            assert not at.exception
            assert not any("没有权限" in e.value for e in at.error), page
        else:       # routable but not in the menu: the page's guard answers, with the login offered
            at.switch_page(page).run()
            assert not at.exception
            if page == "pages/login.py":
                assert [s.value for s in at.success][:1] == [f"您已登录：{USERS[who]}"]
            elif who == "anonymous":
                assert [w.value for w in at.warning] == ["请先登录后再访问此页面。"], page
            else:
                assert [e.value for e in at.error][0].startswith("您没有权限访问此页面（需要"), page


def test_disabled_account_loses_its_session(contest):
    store = AccountStore(contest["dir"])
    store.set_disabled(ADMIN_ACTOR, "rev_b", True)
    try:
        at = run("pages/review_tasks.py", "rev_b")
        assert [w.value for w in at.warning] == ["请先登录后再访问此页面。"]
        assert at.session_state["authentication_status"] is None
    finally:
        store.set_disabled(ADMIN_ACTOR, "rev_b", False)


def test_reviewer_work_page_is_blind(contest):
    at = run("pages/review_work.py", "rev_a")
    assert not at.exception
    text = page_text(at)
    assert "光的折射" in text and "教学活动录像.mp4" in text
    for secret in (TEACHER, SCHOOL, FOLDER, "登记表", "汇总表"):
        assert secret not in text, secret


def test_archive_member_names_are_masked(contest):
    import zipfile
    zpath = next((contest["dir"] / "pkgs").rglob("相关材料.zip"))
    with zipfile.ZipFile(zpath, "a") as z:
        z.writestr(f"{TEACHER}的教学设计.txt", "教学设计")
    at = run("pages/review_work.py", "rev_a")
    radio = at.radio(key=f"file_pick_{contest['work']}")
    zip_index = next(i for i, label in enumerate(radio.options) if "相关材料.zip" in label)
    radio.set_value(zip_index).run()
    assert not at.exception
    text = page_text(at)
    assert "＊＊的教学设计.txt" in text
    assert TEACHER not in text


def test_unassigned_and_recused_reviewers_see_no_work(contest):
    for user in ("rev_b", "rev_same"):
        at = run("pages/review_work.py", user, review_work_id=contest["work"])
        assert [i.value for i in at.info] == ["目前没有分配给您的作品。"]
        assert "光的折射" not in page_text(at)


def test_reviewer_scores_saves_draft_and_submits_through_the_form(contest):
    from scoring.rubrics import load_rubric
    from scoring.selectors import get_review
    wid = contest["work"]
    rubric = load_rubric("fusion_case")
    at = run("pages/review_work.py", "rev_a")
    for c in rubric.criteria:
        at.number_input(key=f"score_{wid}_{c.key}").set_value(float(c.max) - 5)
    at.text_area(key=f"comment_{wid}").input("录像清晰，建议补充学生活动。")
    at.run()
    expected = round(sum((c.max - 5) * c.weight for c in rubric.criteria), 2)
    assert at.metric[0].value == f"{expected:g} / {rubric.max_total:g}"       # live total
    at.button(key=f"save_{wid}").click().run()
    review = get_review(Actor("rev_a", REVIEWER), wid)
    assert review["status"] == "draft" and review["total"] == expected
    assert review["comment"] == "录像清晰，建议补充学生活动。"
    at.checkbox(key=f"confirm_{wid}").check().run()
    at.button(key=f"submit_{wid}").click().run()
    assert not at.exception
    assert get_review(Actor("rev_a", REVIEWER), wid)["status"] == "submitted"
    assert any("已锁定" in s.value for s in at.success)
    assert at.number_input(key=f"score_{wid}_{rubric.criteria[0].key}").disabled


def _admin_writes(wid: int):
    from scoring import assignment, export, importer, reviewers, reviews, selectors, settings, works
    from scoring.ranking import preview_ranking, rank_works
    from scoring.simulate import simulate_scores
    return {
        "upsert_reviewers": lambda a: reviewers.upsert_reviewers(a, []),
        "import_reviewers_csv": lambda a: reviewers.import_reviewers_csv(a, "username,projects,stages\nx,fusion_case,小学\n"),
        "set_active": lambda a: reviewers.set_active(a, "rev_a", False),
        "auto_assign": lambda a: assignment.auto_assign(a),
        "assign": lambda a: assignment.assign(a, wid, "rev_b"),
        "unassign": lambda a: assignment.unassign(a, wid, "rev_a"),
        "reopen_review": lambda a: reviews.reopen_review(a, wid, "rev_a", "复议"),
        "update_settings": lambda a: settings.update_settings(a, {"reviewers_per_work": 5}),
        "set_excluded": lambda a: works.set_excluded(a, wid, True, "x"),
        "add_work": lambda a: works.add_work(a, project="fusion_case", stage="小学", title="x"),
        "import_dump": lambda a: importer.import_dump(a, "/nonexistent"),
        "export_workbook": lambda a: export.export_workbook(a, "/tmp/never.xlsx"),
        "simulate_scores": lambda a: simulate_scores(a),
        "list_works": lambda a: selectors.list_works(a),
        "work_detail": lambda a: selectors.work_detail(a, wid),
        "score_history": lambda a: selectors.score_history(a),
        "all_scores": lambda a: selectors.all_scores(a),
        "progress": lambda a: selectors.progress(a),
        "rank_works": lambda a: rank_works(a),
        "preview_ranking": lambda a: preview_ranking(a, "median"),
    }


@pytest.mark.parametrize("action", list(_admin_writes(0)))
def test_scoring_refuses_admin_actions_to_a_reviewer(contest, action):
    with pytest.raises(PermissionDenied):
        _admin_writes(contest["work"])[action](Actor("rev_a", REVIEWER))


def test_scoring_refuses_review_writes_to_the_wrong_person(contest):
    from scoring.reviews import save_review, submit_review
    wid = contest["work"]
    with pytest.raises(PermissionDenied):                       # admins do not score
        save_review(ADMIN_ACTOR, wid, {})
    with pytest.raises(PermissionDenied, match="未被分配"):      # not assigned
        save_review(Actor("rev_b", REVIEWER), wid, {})
    with pytest.raises(PermissionDenied):                       # same school: never assignable
        from scoring.assignment import assign
        assign(ADMIN_ACTOR, wid, "rev_same")
    with pytest.raises(PermissionDenied):
        submit_review(Actor("rev_same", REVIEWER), wid)


def test_broken_rubric_file_is_a_chinese_message(contest, tmp_path, monkeypatch):
    import scoring.rubrics
    (tmp_path / "fusion_case.yaml").write_text("project: fusion_case\ncriteria: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(scoring.rubrics, "RUBRICS_DIR", tmp_path)
    at = run("pages/review_work.py", "rev_a")
    assert not at.exception
    assert any(e.value.startswith("打开作品失败：规则或评分标准文件有误") for e in at.error)


def test_moved_package_is_a_chinese_message_without_server_paths(contest, tmp_path):
    pkgs = contest["dir"] / "pkgs"
    moved = tmp_path / "moved"
    pkgs.rename(moved)
    try:
        at = run("pages/review_work.py", "rev_a")
        assert not at.exception
        errors = [e.value for e in at.error]
        assert errors == ["打开文件失败：找不到文件（可能已被移动或删除），请联系管理员。"]
        assert str(contest["dir"]) not in page_text(at)
    finally:
        moved.rename(pkgs)


def test_locked_database_is_a_chinese_message(tmp_path, monkeypatch):
    import subprocess
    import sys
    AccountStore(tmp_path).ensure_initialized()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(tmp_path / "scoring.duckdb")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path))
        at = run("pages/admin_progress.py", "admin")
        assert not at.exception
        assert [e.value for e in at.error] == [
            f"读取进度失败：数据库文件正被另一个程序（进程号 {holder.pid}）占用（例如管理员正在运行命令行 "
            "python -m scoring），请等它结束后刷新页面；若反复出现请联系管理员。"]
    finally:
        holder.kill()
        holder.wait()
        db.close(tmp_path / "scoring.duckdb")
        db.configure(None)


def test_admin_pages_act_through_scoring(contest):
    from scoring.reviewers import list_reviewers
    from scoring.selectors import get_review
    from scoring.reviews import save_review
    from scoring.rubrics import load_rubric
    from scoring.settings import get_settings
    wid = contest["work"]
    rev_a = Actor("rev_a", REVIEWER)
    if (get_review(rev_a, wid) or {}).get("status") != "submitted":    # independent of test order
        save_review(rev_a, wid, {c.key: c.max for c in load_rubric("fusion_case").criteria}, submit=True)

    at = run("pages/admin_settings.py", "admin")
    per = next(n for n in at.number_input if n.label == "每件作品评委人数")
    per.set_value(2)
    at.button[0].click().run()                                   # the form's submit button
    assert not at.exception and [s.value for s in at.success] == ["设置已保存。"]
    assert get_settings(ADMIN_ACTOR)["reviewers_per_work"] == 2

    at = run("pages/admin_reviewers.py", "admin")
    fields = {t.label: t for t in at.text_input}
    fields["用户名"].input("rev_new")
    fields["姓名"].input("新评委")
    fields["学校"].input("XX市实验中学")
    next(m for m in at.multiselect if m.label == "评审项目").set_value(["fusion_case"])
    next(m for m in at.multiselect if m.label == "学段").set_value(["小学"])
    next(b for b in at.button if b.label == "保存评审信息").click().run()
    assert not at.exception
    assert "rev_new" in {r["username"] for r in list_reviewers(ADMIN_ACTOR)}
    assert AccountStore(contest["dir"]).get("rev_new").role == REVIEWER
    shown = next(d.value for d in at.dataframe if "初始密码" in d.value)     # the one-time passwords
    password = shown.loc[shown["用户名"] == "rev_new", "初始密码"].iloc[0]
    assert AccountStore(contest["dir"]).verify("rev_new", password)

    at.button(key="auto_assign").click().run()
    assert not at.exception
    assert any(s.value.startswith("本次新增") for s in at.success)

    at = run("pages/admin_progress.py", "admin")
    at.text_input(key="reopen_reason").input("分数与评语不符，请复核").run()
    at.button(key="reopen_go").click().run()
    assert not at.exception
    assert get_review(Actor("rev_a", REVIEWER), wid)["status"] == "draft"


def test_admin_account_page_disables_and_resets(contest):
    store = AccountStore(contest["dir"])
    at = run("pages/admin_accounts.py", "admin")
    at.selectbox(key="acct_pick").set_value("rev_b").run()
    at.button(key="acct_toggle").click().run()
    assert not at.exception and store.get("rev_b").disabled
    at.button(key="acct_toggle").click().run()
    assert not store.get("rev_b").disabled
    before = store._read()["credentials"]["usernames"]["rev_b"]["password"]
    at.button(key="acct_reset").click().run()                    # asks first, changes nothing yet
    assert at.warning[0].value.startswith("确定要重置账号 rev_b（rev_b）的密码吗？")
    assert store._read()["credentials"]["usernames"]["rev_b"]["password"] == before
    at.button(key="acct_reset_yes").click().run()
    assert not at.dataframe or not any("初始密码" in d.value for d in at.dataframe)   # no list of others
    (shown,) = [m.value for m in at.markdown if m.value.startswith("### `")]
    password = shown.strip("#` ")
    assert at.success[0].value.startswith("已重置账号 rev_b（rev_b）的密码。新密码只显示这一次")
    assert store.verify("rev_b", password)
    at.run()                                                      # once: the next run no longer shows it
    assert not [m for m in at.markdown if m.value.startswith("### `")]
    from scoring.audit import search
    assert search(ADMIN_ACTOR, action="account.reset_password")[0]["target"] == "account:rev_b"
    at.selectbox(key="acct_pick").set_value("admin").run()
    at.button(key="acct_toggle").click().run()
    assert [e.value for e in at.error] == ["不能停用自己正在使用的账号。"]


def test_admin_ranking_and_charts_show_the_submitted_score(contest):
    at = run("pages/admin_ranking.py", "admin")
    assert not at.exception
    tables = [t.value for t in at.table]
    assert tables and "光的折射" in tables[0]["作品名称"].tolist()
    at.radio(key="rank_method").set_value("median").run()
    assert not at.exception and any("正在预览" in i.value for i in at.info)
    at = run("pages/admin_charts.py", "admin")
    assert not at.exception and not at.error


def test_work_imported_as_an_archive_opens_from_a_cache_copy(contest, video_cache, tmp_path):
    import shutil
    import zipfile

    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    src = tmp_path / "src"
    archive = make_package(src, "fusion_case", stage="小学", school="XX市育才小学", teacher="李四",
                           title="分数的初步认识", flaws={"zip_package"}, cache_dir=video_cache)
    dump = contest["dir"] / "zipdump"
    dump.mkdir()
    shutil.move(str(archive), dump / archive.name)
    wid = import_dump(ADMIN_ACTOR, dump)["works"][0]
    assign(ADMIN_ACTOR, wid, "rev_b")
    at = run("pages/review_work.py", "rev_b", review_work_id=wid)
    assert not at.exception and not at.error
    assert any("streamlit run app.py" in w.value for w in at.warning)     # AppTest has no file route
    cached = list((contest["dir"] / "store" / "cache").iterdir())
    with zipfile.ZipFile(dump / archive.name) as z:
        video = next(n for n in z.namelist() if n.endswith("教学活动录像.mp4"))
        assert any(c.read_bytes() == z.read(video) for c in cached)
