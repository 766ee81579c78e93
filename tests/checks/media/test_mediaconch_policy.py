"""The MediaConch peer of bench/: its policy is generated from data/rules/contest.yaml and agrees with
our judge on the conforming 16-minute video and on the same video at 30 fps."""
from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import subprocess

import pytest
import yaml

from checks.findings import ERROR
from checks.media.facts import from_stream
from checks.media.rules import judge_video
from samplegen.media import sample
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
VOC = next(i for i in RULES["projects"]["vocational_practice"]["items"] if i["key"] == "lesson_video")


def _policy_module():
    spec = importlib.util.spec_from_file_location("mediaconch_policy", REPO / "bench" / "mediaconch_policy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "media_samples"
    return lambda name: sample(root, name)


def test_policy_numbers_follow_the_rules_file():
    policy = _policy_module()
    xml = policy.policy_xml(RULES)
    assert 'operator="&gt;=">24.99</rule>' in xml and 'operator="&lt;=">25.01</rule>' in xml
    assert 'tracktype="Video" occurrence="*" operator="=">AVC</rule>' in xml
    changed = copy.deepcopy(RULES)
    changed["video_spec"]["fps"] = 30
    changed["video_spec"]["min_width"] = 1920
    xml30 = policy.policy_xml(changed)
    assert 'operator="&gt;=">29.99</rule>' in xml30 and 'operator="&lt;=">30.01</rule>' in xml30
    assert 'value="Width" tracktype="Video" occurrence="*" operator="&gt;=">1920</rule>' in xml30


def _mediaconch(policy_file, video, home):
    env = dict(os.environ, HOME=str(home))          # its report database stays in the test's folder
    return subprocess.run(["mediaconch", "-p", str(policy_file), str(video)], capture_output=True, text=True,
                          timeout=120, env=env).stdout


@pytest.mark.skipif(shutil.which("mediaconch") is None, reason="Debian mediaconch not installed")
def test_mediaconch_passes_the_good_video_and_fails_the_30fps_one_as_we_do(media, tmp_path):
    policy_file = tmp_path / "vocational.xml"
    policy_file.write_text(_policy_module().policy_xml(RULES), "utf-8")
    good, fps30 = media("long_16min"), media("long_16min_30fps")

    assert _mediaconch(policy_file, good, tmp_path).startswith("pass! ")
    out = _mediaconch(policy_file, fps30, tmp_path)
    assert out.startswith("fail! ")
    failed = [line.split("[fail:", 1)[1].rstrip("]") for line in out.splitlines() if "[fail:video." in line
              or "[fail:audio." in line]
    assert failed == ["video.fps: Video/FrameRate <= 25.01"]

    for path, errors in [(good, []), (fps30, ["video.fps"])]:
        with open(path, "rb") as f:
            findings = judge_video(from_stream(f), VOC, RULES["video_spec"], "教学活动录像.mp4")
        assert [x.rule for x in findings if x.level == ERROR] == errors
