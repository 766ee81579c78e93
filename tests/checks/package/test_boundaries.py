"""The package's numeric rules at their limits, read from data/rules/contest.yaml: 300 字 per form
field, authors per project, and total sizes (training_case ≤ 100 MB as advice, digital_textbook
resources ≤ 1 GB). Sizes are reached with a sparse file beside a real generated package, so the
engine sees the exact byte count without writing it."""
from __future__ import annotations

import pytest
import yaml

from checks import check_paths
from checks.package.forms import check_authors, check_form_fields
from samplegen.packages import make_package
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
MAX_CHARS = RULES["form_fields"]["max_chars"]


@pytest.mark.parametrize("field", RULES["form_fields"]["names"])
def test_every_form_field_at_and_past_its_limit(field):
    assert check_form_fields({field: "字" * MAX_CHARS}) == []
    [f] = check_form_fields({field: "字" * (MAX_CHARS + 1)})
    assert (f.rule, f.level, f.actual) == ("form.field_length", "error", f"{MAX_CHARS + 1} 字")


@pytest.mark.parametrize("project", list(RULES["projects"]))
def test_authors_at_and_past_each_projects_limit(project):
    limit = RULES["projects"][project]["max_authors"]
    assert check_authors(project, limit) == []
    [f] = check_authors(project, limit + 1)
    assert (f.rule, f.level, f.expected) == ("form.authors", "error", f"≤ {limit} 人")


def _grow_to(folder, name: str, existing: int, total: int):
    """A sparse file that brings the files counted so far (`existing` bytes) to exactly `total`."""
    with open(folder / name, "wb") as f:
        f.truncate(total - existing)


def _size_findings(report):
    return [(f.rule, f.level) for f in report.findings if f.rule == "package.size"]


def test_training_case_total_size_is_advice_past_100_mb(tmp_path):
    limit = RULES["projects"]["training_case"]["max_total_bytes"]
    level = RULES["projects"]["training_case"]["max_total_level"]
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    files = [p for p in level1.rglob("*") if p.is_file()]
    folder, existing = files[0].parent, sum(p.stat().st_size for p in files)
    _grow_to(folder, "资源-课堂照片.bin", existing, limit)
    assert _size_findings(check_paths([level1])) == []
    _grow_to(folder, "资源-课堂照片.bin", existing, limit + 1)
    assert _size_findings(check_paths([level1])) == [("package.size", level)]


def test_digital_textbook_resources_fail_past_1_gb(tmp_path):
    spec = next(i for i in RULES["projects"]["digital_textbook"]["items"] if i.get("max_total_bytes"))
    limit, level = spec["max_total_bytes"], spec["max_total_level"]
    top = make_package(tmp_path / "pkg", "digital_textbook", cache_dir=tmp_path / "cache")
    resources = [p for p in top.iterdir() if p.name.startswith("配套资源")]
    existing = sum(p.stat().st_size for p in resources)
    _grow_to(top, "配套资源-动画.bin", existing, limit)
    report = check_paths([top], project="digital_textbook")
    assert _size_findings(report) == []
    counted = next(i["files"] for i in report.to_dict()["items"] if i["key"] == "resources")
    assert sorted(counted) == sorted(f"{top.name}/{p}" for p in ("配套资源-动画.bin", *(r.name for r in resources)))
    _grow_to(top, "配套资源-动画.bin", existing, limit + 1)
    assert _size_findings(check_paths([top], project="digital_textbook")) == [("package.size", level)]
