"""Every rule id the engine can report is in the rules file's catalogue, with a Chinese title, and
docs/rules.md is exactly what `python -m checks --rules` prints, so the list cannot drift."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from checks.errors import RulesError
from checks.rules import RULES_PATH, load_rules, rule_title
from tests.conftest import REPO

# The rule ids of the contest digest, written out here rather than read from the code.
DIGEST_IDS = {
    "package.naming", "package.layout", "package.required", "package.archive", "package.size",
    "title.book_marks", "form.field_length", "form.authors",
    "video.container", "video.codec", "video.bitrate", "video.resolution", "video.scan", "video.fps",
    "video.duration", "video.size", "audio.present", "audio.codec", "audio.sample_rate", "audio.bitrate",
    "video.web_playable", "doc.format", "doc.sections", "doc.length", "pdf.scanned",
    "file.readable", "file.empty", "archive.unsafe", "archive.encoding",
    "eligibility.duplicate", "eligibility.awarded", "eligibility.one_per_author",
}
ID_LITERAL = re.compile(r"""["']((?:package|title|form|video|audio|doc|pdf|file|archive|eligibility)\.[a-z_]+)["']""")


def test_the_catalogue_holds_every_digest_rule_id():
    assert DIGEST_IDS <= set(load_rules()["rule_ids"])


def test_every_rule_id_written_in_the_engine_or_scoring_is_catalogued():
    used = {m for pkg in ("checks", "scoring") for f in (REPO / pkg).rglob("*.py")
            for m in ID_LITERAL.findall(f.read_text("utf-8"))}
    assert used, "the scan found no rule ids at all"
    assert used - set(load_rules()["rule_ids"]) == set()


def test_titles_are_chinese_and_unknown_ids_fall_back_to_themselves():
    assert rule_title("video.fps") == "视频帧率"
    assert rule_title("no.such_rule") == "no.such_rule"
    for rid, entry in load_rules()["rule_ids"].items():
        assert re.search(r"[\u4e00-\u9fff]", entry["title"]), rid


def test_docs_rules_page_is_the_generated_table():
    out = subprocess.run([sys.executable, "-m", "checks", "--rules"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    assert "| `video.fps` | 视频帧率 |" in out.stdout
    assert (REPO / "docs" / "rules.md").read_text("utf-8") == out.stdout, \
        "docs/rules.md is stale: run `python -m checks --rules > docs/rules.md`"


def test_a_malformed_rule_id_is_refused_with_its_line(tmp_path):
    text = RULES_PATH.read_text("utf-8")
    old = "  video.fps:              {title: 视频帧率,"
    assert old in text
    p = tmp_path / "contest.yaml"
    p.write_text(text.replace(old, "  Video-FPS:              {title: 视频帧率,", 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(RulesError, match=f"第 {line} 行"):
        load_rules(p)
