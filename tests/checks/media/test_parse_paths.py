"""The same facts and verdicts whichever way MediaInfo runs: in this process under a watchdog (the
one-shot command) or in the long-lived worker process (the app), and a parse that never ends is
still bounded on both."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from checks.errors import Unreadable
from checks.media import facts as media_facts
from checks.media.rules import judge_video
from samplegen.media import sample
from tests.checks.media.test_facts import hanging_ts_junk
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
VOC = next(i for i in RULES["projects"]["vocational_practice"]["items"] if i["key"] == "lesson_video")
SAMPLES = ["ok_small", "fps30", "hevc", "mov_720p", "no_audio", "moov_last_small", "interlaced",
           "mkv_720p", "frag25", "frag25_every_frame", "vfr", "truncated"]


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "media_samples"
    return lambda name: sample(root, name)


def facts_via(path_kind: str, path):
    previous = media_facts.set_parse_path(path_kind)
    try:
        with open(path, "rb") as f:
            return media_facts.from_stream(f)
    finally:
        media_facts.set_parse_path(previous)


def findings(facts):
    return [(x.rule, x.level, x.message, x.expected, x.actual, x.fix)
            for x in judge_video(facts, VOC, RULES["video_spec"], "教学活动录像.mp4")]


@pytest.mark.parametrize("name", SAMPLES)
def test_in_process_and_worker_give_the_same_facts_and_findings(media, name):
    path = media(name)
    in_process, worker = facts_via("in_process", path), facts_via("worker", path)
    assert in_process == worker
    assert findings(in_process) == findings(worker)


def test_random_bytes_fail_the_same_way_on_both_paths(media):
    with pytest.raises(Unreadable) as a:
        facts_via("in_process", media("random"))
    with pytest.raises(Unreadable) as b:
        facts_via("worker", media("random"))
    assert (a.value.rule, a.value.message) == (b.value.rule, b.value.message)


def _python(code: str, *args: str, timeout: float = 120):
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def test_in_process_parse_of_an_mp4_starts_no_worker(media):
    p = _python("import sys\n"
                "from checks.media import facts\n"
                "facts.set_parse_path('in_process')\n"
                "w = facts.from_stream(open(sys.argv[1], 'rb'))['video'][0]['width']\n"
                "print(w, facts._WORKER is None)\n", media("ok_small"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["320", "True"]


def test_mpeg_ts_content_goes_to_the_worker_and_a_spinning_parse_ends_at_the_timeout(tmp_path):
    junk = hanging_ts_junk(tmp_path / "junk.mp4")     # named .mp4: content decides, not the name
    with pytest.raises(Unreadable) as e:
        with open(junk, "rb") as f:
            previous = media_facts.set_parse_path("in_process")
            try:
                media_facts.from_stream(f, timeout_s=2)
            finally:
                media_facts.set_parse_path(previous)
    assert e.value.rule == "file.readable" and "超时" in e.value.message
    assert media_facts.parse_stuck() is False          # nothing was left spinning in this process


def test_the_in_process_watchdog_bounds_a_parse_that_never_ends(tmp_path, media):
    # In a child process: the timed-out thread keeps spinning until that process exits.
    junk = hanging_ts_junk(tmp_path / "junk.ts")
    p = _python("import sys\n"
                "from checks.errors import Unreadable\n"
                "from checks.media import facts\n"
                "try:\n"
                "    facts._parse_in_thread(open(sys.argv[1], 'rb'), facts.READ_BUDGET, 2)\n"
                "    print('parsed')\n"
                "except Unreadable as e:\n"
                "    print(e.rule, e.message)\n"
                "facts.set_parse_path('in_process')\n"
                "print(facts.parse_stuck(), facts.from_stream(open(sys.argv[2], 'rb'))['video'][0]['width'])\n",
                junk, media("ok_small"), timeout=60)
    assert p.returncode == 0, p.stderr
    first, second = p.stdout.splitlines()
    assert first == "file.readable 分析该文件超时：文件内容异常（可能已损坏或不是正常的视频），无法读取。"
    assert second == "True 320"                     # later files still parse (in the worker)


@pytest.mark.parametrize("name", ["ok_720p", "fps30", "mov_720p"])
def test_cli_one_shot_report_equals_the_worker_path_report(media, name, run_cli):
    from checks import check_paths
    path = media(name)
    code, out, err = run_cli(path, "--project", "vocational_practice")
    previous = media_facts.set_parse_path("worker")
    try:
        expected = check_paths([str(path)], project="vocational_practice").to_dict()
    finally:
        media_facts.set_parse_path(previous)
    assert out == json.loads(json.dumps(expected, ensure_ascii=False))
    assert code == (1 if expected["verdict"] == "fail" else 0)


@pytest.mark.parametrize("compression", ["stored", "deflated"])
def test_a_video_inside_a_zip_gives_the_same_facts_on_both_paths(media, tmp_path, compression):
    import zipfile

    from checks.archives import open_archive
    z = tmp_path / "a.zip"
    mode = zipfile.ZIP_STORED if compression == "stored" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(z, "w", mode) as zf:
        zf.write(media("frag25"), "中职某校张三/教学活动录像.mp4")
    results = []
    for path_kind in ("in_process", "worker"):
        previous = media_facts.set_parse_path(path_kind)
        try:
            with open_archive(z) as arc, arc.open(arc.members[0]) as member:
                results.append(media_facts.from_stream(member))
        finally:
            media_facts.set_parse_path(previous)
    assert results[0] == results[1]
    assert (results[0]["video"][0]["frame_rate"], results[0]["video"][0]["frame_rate_mode"]) == (25.0, "CFR")


def test_after_a_stuck_parse_the_command_still_prints_its_whole_report_and_exit_status(media):
    # As after an in-process timeout: later files go to the worker, and the command leaves with
    # os._exit (a thread still inside libmediainfo) having flushed the complete JSON report.
    p = _python("import sys\n"
                "from checks.media import facts\n"
                "facts._STUCK = True\n"
                "from checks.cli import main\n"
                "sys.exit(main([sys.argv[1], '--json', '--project', 'vocational_practice']))\n",
                media("fps30"))
    assert p.returncode == 1, p.stderr
    report = json.loads(p.stdout)
    assert report["verdict"] == "fail"
    assert ("video.fps", "error") in {(f["rule"], f["level"]) for f in report["findings"]}
