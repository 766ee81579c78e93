"""video.fps from the frames themselves: MediaInfo's VFR / missing rate is cross-checked against the
durations of the first frames (checks.media.frames), on real files made with PyAV."""
from __future__ import annotations

import pytest
import yaml

from checks.findings import ERROR
from checks.media import libmediainfo
from checks.media.facts import from_mediainfo_json, from_stream
from checks.media.frames import MAX_PACKETS, frame_timing
from checks.media.rules import judge_video
from samplegen.media import sample
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
SPEC = RULES["video_spec"]
VOC = next(i for i in RULES["projects"]["vocational_practice"]["items"] if i["key"] == "lesson_video")


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "media_samples"
    return lambda name: sample(root, name)


def mediainfo_alone(path) -> dict:
    """What MediaInfo by itself says of the first video track (no cross-check)."""
    with open(path, "rb") as f:
        return from_mediainfo_json(libmediainfo.parse_json(f))["video"][0]


def video_facts(path) -> dict:
    with open(path, "rb") as f:
        return from_stream(f)["video"][0]


def fps_findings(path):
    with open(path, "rb") as f:
        facts = from_stream(f)
    return [x for x in judge_video(facts, VOC, SPEC, "教学活动录像.mp4") if x.rule == "video.fps"]


@pytest.mark.parametrize("name", ["frag25", "frag25_every_frame"])
def test_fragmented_25fps_mp4_is_constant_25_though_mediainfo_says_variable(media, name):
    path = media(name)                             # movflags=frag_keyframe|frag_every_frame+empty_moov
    mi = mediainfo_alone(path)
    assert mi["frame_rate_mode"] == "VFR" and mi["frame_rate"] != 25.0     # the misreading
    v = video_facts(path)
    assert (v["frame_rate"], v["frame_rate_mode"]) == (25.0, "CFR")
    assert fps_findings(path) == []


def test_a_missing_mediainfo_rate_is_taken_from_the_frames(media):
    # MediaInfo's reading of the real fragmented file with its rate and mode removed
    from checks.media.facts import _cross_check_frame_rate
    video = {"frame_rate": None, "frame_rate_mode": None}
    with open(media("frag25"), "rb") as f:
        _cross_check_frame_rate(f, [("General", {}), ("Video", video)])
    assert video == {"frame_rate": 25.0, "frame_rate_mode": "CFR"}
    video = {"frame_rate": None, "frame_rate_mode": None}
    with open(media("frag_vfr"), "rb") as f:
        _cross_check_frame_rate(f, [("Video", video)])
    assert video["frame_rate_mode"] == "VFR" and 20 < video["frame_rate"] < 23


def test_fragmented_30fps_mp4_is_a_30fps_error_not_a_vfr_one(media):
    f, = fps_findings(media("frag30"))
    assert f.level == ERROR and f.actual == "30 帧/秒"


def test_fragmented_variable_rate_mp4_stays_a_vfr_error(media):
    f, = fps_findings(media("frag_vfr"))
    assert f.level == ERROR and f.actual.startswith("可变帧率")
    assert video_facts(media("frag_vfr"))["frame_rate_mode"] == "VFR"


def test_durations_two_ticks_apart_on_a_90khz_clock_are_constant(media):
    # 3601, 3599, 3601, ... ticks: a 40 ms frame rounded to the clock
    path = media("clock90k_2ticks")
    assert mediainfo_alone(path)["frame_rate_mode"] == "VFR"
    assert (video_facts(path)["frame_rate"], video_facts(path)["frame_rate_mode"]) == (25.0, "CFR")
    assert fps_findings(path) == []


def test_durations_three_ticks_apart_are_variable(media):
    # 3600, 3601, 3601, 3598: no rounding of a constant rate gives that
    path = media("clock90k_3ticks")
    assert video_facts(path)["frame_rate_mode"] == "VFR"
    f, = fps_findings(path)
    assert f.level == ERROR and f.actual.startswith("可变帧率")


def test_phone_style_vfr_mp4_stays_a_vfr_error(media):
    f, = fps_findings(media("vfr"))
    assert f.level == ERROR and f.actual.startswith("可变帧率")


class _CountingReader:
    def __init__(self, f):
        self.f, self.bytes_read = f, 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.bytes_read += len(data)
        return data

    def seek(self, *args):
        return self.f.seek(*args)

    def tell(self):
        return self.f.tell()


def test_frame_timing_reads_a_bounded_number_of_frames_of_a_long_file(media):
    path = media("long_16min")                     # ~130 MB, 24,000 frames
    with open(path, "rb") as f:
        r = _CountingReader(f)
        t = frame_timing(r)
    assert (t.fps, t.constant) == (25.0, True)
    assert t.frames == MAX_PACKETS - 1             # the first frame is not compared
    assert r.bytes_read < 16 * 1024 * 1024


def test_frame_timing_of_random_bytes_is_unknown(media):
    with open(media("random"), "rb") as f:
        assert frame_timing(f) is None


def test_frame_timing_of_a_long_fragmented_file_reads_its_front_only(media):
    path = media("frag_long_16min")                # 16 minutes of moof/mdat pairs
    with open(path, "rb") as f:
        r = _CountingReader(f)
        t = frame_timing(r, sequential=True)
    assert (t.fps, t.constant, t.frames) == (25.0, True, MAX_PACKETS - 1)
    assert r.bytes_read < 4 * 1024 * 1024
