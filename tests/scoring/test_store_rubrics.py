"""The store migrates once and idempotently; settings and rubrics are validated with clear errors."""
import duckdb
import pytest

from checks.errors import RulesError
from scoring import db
from scoring.errors import PermissionDenied, ValidationError
from scoring.migrations import LATEST, STEPS, migrate
from scoring.permissions import Actor
from scoring.rubrics import load_rubrics, parse_rubric
from scoring.settings import get_settings, update_settings

ADMIN = Actor("admin", "admin")


def test_the_file_is_created_on_first_use_and_migrations_are_idempotent(dbfile):
    assert not dbfile.exists()
    db.cursor()                       # first use creates and migrates
    db.close()
    con = duckdb.connect(str(dbfile))
    assert migrate(con) == LATEST     # running again changes nothing
    assert migrate(con) == LATEST
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(STEPS)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    assert {"works", "work_files", "reviewers", "assignments", "reviews", "score_history", "settings"} <= tables


def test_settings_have_defaults_and_only_an_admin_changes_them(dbfile):
    s = get_settings(ADMIN)
    assert s["aggregation"] == "trimmed_mean" and s["award_ratios"] == {"一等奖": 0.1, "二等奖": 0.2, "三等奖": 0.3}
    assert s["trimmed_mean_min"] == 5 and s["reviewers_per_work"] == 3
    with pytest.raises(PermissionDenied):
        update_settings(Actor("r1", "reviewer"), {"aggregation": "mean"})
    with pytest.raises(ValidationError, match="100%"):
        update_settings(ADMIN, {"award_ratios": {"一等奖": 0.6, "二等奖": 0.6}})
    assert update_settings(ADMIN, {"aggregation": "median"})["aggregation"] == "median"


def test_every_seeded_rubric_sums_to_100_and_has_a_veto():
    rubrics = load_rubrics()
    assert set(rubrics) == {"afterschool", "fusion_case", "it_course_case", "training_case",
                            "vocational_practice", "digital_textbook"}
    for r in rubrics.values():
        assert r.max_total == 100
        assert set(r.veto.reasons) == {"政治性错误", "科学性错误"}
        assert any(c.name == "规范" for c in r.criteria)


GOOD = """project: fusion_case
name: 测试
criteria:
  - {key: a, name: 甲, max: 60}
  - {key: b, name: 乙, max: 20, weight: 2}
veto: {key: veto, name: 一票否决, reasons: [政治性错误]}
"""


def test_a_rubric_with_weights_totals_points_times_weight():
    r = parse_rubric(GOOD, "x.yaml")
    assert r.max_total == 100
    assert r.total({"a": 30, "b": 12.5}) == 55.0


@pytest.mark.parametrize("text, line, words", [
    (GOOD.replace("max: 60", "max: 50"), 3, "之和应为 100"),
    (GOOD.replace("max: 20,", "max: 二十,"), 5, "必须是数字"),
    (GOOD.replace("key: b", "key: a"), 5, "重复"),
    (GOOD.replace("veto: {key: veto, name: 一票否决, reasons: [政治性错误]}", "veto: {key: veto, name: 否决}"), 6, "reasons"),
    (GOOD.replace("name: 测试", "name: [测试"), 3, "YAML"),
])
def test_a_broken_rubric_names_file_and_line(text, line, words):
    with pytest.raises(RulesError) as e:
        parse_rubric(text, "data/rubrics/fusion_case.yaml")
    assert str(e.value).startswith(f"data/rubrics/fusion_case.yaml:{line}:")
    assert words in str(e.value)
